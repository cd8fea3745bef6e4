import { z } from "zod";

/**
 * Password-grant answer (docs/dm-contract.md § 6). DM's docs quote expires_in, so both a number and a
 * numeric string are accepted. Read leniently: only the token is needed (a missing expires_in is taken
 * as DM's five minutes), so a missing token_type or expires_in is no reason to fail a login.
 */
export const loginResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
});

export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** What a login answer with no expires_in means: DM's tokens live five minutes. */
export const defaultTokenLifetimeSeconds = 300;
