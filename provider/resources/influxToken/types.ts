import { z } from "zod";

export interface Permission {
  action: "read" | "write";
  resource: { type: string; id?: string; orgID?: string };
}

export type TokenStatus = "active" | "inactive";

/** An InfluxDB authorization. The token is minted by InfluxDB on create and kept (secret) in the outputs. */
export interface TokenState {
  org?: string;
  orgId?: string;
  description: string | null;
  permissions: Permission[];
  /** An inactive token is refused by InfluxDB but kept, so it can be switched back on in place. */
  status: TokenStatus;
  /** Any value; changing it mints a new token (create before delete, so users of the token can switch). */
  rotation?: string;
  token?: string;
}

const resourceType = "must name a resource type, e.g. buckets";
const atLeastOne = "must list at least one permission";

/** What check refuses, property by property (values not known yet are skipped). */
export const tokenInputsSchema = z.looseObject({
  permissions: z
    .array(
      z.looseObject({
        action: z.enum(["read", "write"], { error: 'must be "read" or "write"' }),
        resource: z.looseObject(
          { type: z.string({ error: resourceType }).min(1, resourceType) },
          { error: resourceType },
        ),
      }),
      { error: atLeastOne },
    )
    .min(1, atLeastOne),
  status: z.enum(["active", "inactive"], { error: 'must be "active" or "inactive"' }).nullish(),
});
