import { z } from "zod";
import { handlerFields } from "./eventHandlerConfiguration";
import { kafkaConnectionConfigSchema } from "./kafkaConnectionConfig";
import { webhookConnectionConfigSchema } from "./webhookConnectionConfig";

const { name, enabled, description, filter, allowFailures } = handlerFields;
const fields = {
  name: name.nullish(),
  enabled: enabled.nullish(),
  description,
  filter: filter.nullish(),
  allowFailures,
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
