import { z } from "zod";
import { filterSchema } from "./filter";
import { handlerIdPattern } from "./limits";

/**
 * A handler as DM returns it. Read leniently: the connectionConfig shape depends on `type`, secrets may be
 * masked, and DM may add read-only fields (the UI shows a status and a creation date).
 */
export const eventHandlerSchema = z.looseObject({
  id: z.string().regex(handlerIdPattern),
  type: z.enum(["webhook", "kafka"]),
  name: z.string(),
  enabled: z.boolean(),
  description: z.string().nullish(),
  domain: z.string().nullish(),
  filter: filterSchema,
  connectionConfig: z.record(z.string(), z.unknown()),
  allowFailures: z.boolean().nullish(),
  status: z.enum(["active", "inactive", "failed"]).optional(),
  createdAt: z.string().optional(),
});

export const eventHandlerListSchema = z.array(eventHandlerSchema);

export type EventHandler = z.infer<typeof eventHandlerSchema>;
