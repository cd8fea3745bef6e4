import { z } from "zod";
import { filterSchema } from "./filter";
import { kafkaConnectionConfigSchema } from "./kafkaConnectionConfig";
import { webhookConnectionConfigSchema } from "./webhookConnectionConfig";

const fields = {
  name: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(256, { error: "must be at most 256 characters" })
    .nullish(),
  enabled: z.boolean({ error: "must be true or false" }).nullish(),
  description: z
    .string({ error: "must be a string" })
    .max(1024, { error: "must be at most 1024 characters" })
    .nullish(),
  filter: filterSchema.nullish(),
  allowFailures: z.boolean({ error: "must be true or false" }).nullish(),
};

/**
 * PUT bodies: every field optional, `null` or absent = unchanged, connectionConfig replaced whole.
 * `type` and `domain` cannot change (docs/dm-contract.md § 4), so they are not accepted here.
 */
export const webhookHandlerUpdateSchema = z.strictObject({
  ...fields,
  connectionConfig: webhookConnectionConfigSchema.nullish(),
});
export const kafkaHandlerUpdateSchema = z.strictObject({
  ...fields,
  connectionConfig: kafkaConnectionConfigSchema.nullish(),
});

export type WebhookHandlerUpdate = z.infer<typeof webhookHandlerUpdateSchema>;
export type KafkaHandlerUpdate = z.infer<typeof kafkaHandlerUpdateSchema>;
