import { z } from "zod";
import { bodyTemplateSchema } from "./bodyTemplate";
import { kafkaHeadersSchema } from "./headers";

const topicPattern = /^[A-Za-z0-9._-]{1,249}$/;
const common = {
  topic: z.string().regex(topicPattern, {
    error: "must be a Kafka topic name (letters, digits, '.', '_', '-'; 1-249 chars)",
  }),
  headers: kafkaHeadersSchema.nullish(),
  bodyTemplate: bodyTemplateSchema
    .refine((t) => t.contentType === "json", {
      error: 'Kafka bodies must be JSON: contentType must be "json"',
    })
    .nullish(),
};

/** Produce with the domain's Kafka properties; DM's sources use both spellings (docs/dm-contract.md § 1). */
export const kafkaDomainPropertyConfigSchema = z.strictObject({
  type: z.enum(["domainProperty", "domainProperties"]),
  ...common,
});

/** Produce with custom `.properties` text, which must name the bootstrap servers. */
export const kafkaCustomConfigSchema = z.strictObject({
  type: z.literal("custom"),
  value: z.string().refine((text) => /^\s*bootstrap\.servers\s*[=:]\s*\S+/m.test(text), {
    error: "must be Kafka producer .properties text with a bootstrap.servers line",
  }),
  ...common,
});

export const kafkaConnectionConfigSchema = z.discriminatedUnion(
  "type",
  [kafkaCustomConfigSchema, kafkaDomainPropertyConfigSchema],
  { error: 'type must be "custom" or "domainProperty"' },
);

export type KafkaConnectionConfig = z.infer<typeof kafkaConnectionConfigSchema>;
