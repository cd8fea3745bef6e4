import { z } from "zod";
import { filterSchema } from "./filter";
import { domainPattern, domainPatternMessage, dotSegmentMessage, hasDotSegment } from "./domain";
import { kafkaConnectionConfigSchema } from "./kafkaConnectionConfig";
import { webhookConnectionConfigSchema } from "./webhookConnectionConfig";

/** The fields of a handler's configuration besides type and connectionConfig (the PUT body's too). */
export const handlerFields = {
  name: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(256, { error: "must be at most 256 characters" }),
  enabled: z.boolean({ error: "must be true or false" }),
  filter: filterSchema,
  domain: z
    .string()
    .regex(domainPattern, { error: domainPatternMessage })
    .refine((domain) => !hasDotSegment(domain), { error: dotSegmentMessage })
    .nullish(),
  description: z
    .string({ error: "must be a string" })
    .max(1024, { error: "must be at most 1024 characters" })
    .nullish(),
  allowFailures: z.boolean({ error: "must be true or false" }).nullish(),
};

/** The body of a create (and of a test of a new configuration): `type` decides the connectionConfig. */
export const eventHandlerConfigurationSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("webhook"),
      ...handlerFields,
      connectionConfig: webhookConnectionConfigSchema,
    }),
    z.strictObject({
      type: z.literal("kafka"),
      ...handlerFields,
      connectionConfig: kafkaConnectionConfigSchema,
    }),
  ],
  { error: 'type must be "webhook" or "kafka"' },
);

export type EventHandlerConfiguration = z.infer<typeof eventHandlerConfigurationSchema>;
