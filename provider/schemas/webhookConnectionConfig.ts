import { z } from "zod";
import { bodyTemplateSchema } from "./bodyTemplate";
import { webhookHeadersSchema } from "./headers";
import { webhookAuthSchema } from "./webhookAuth";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export const webhookConnectionConfigSchema = z.strictObject({
  uri: z.string().refine(isHttpUrl, { error: "must be an absolute http or https URL" }),
  method: z.enum(["post", "put", "patch"], { error: 'must be "post", "put" or "patch"' }).nullish(),
  format: z.enum(["generic", "influxDb"], { error: 'must be "generic" or "influxDb"' }).nullish(),
  auth: webhookAuthSchema.nullish(),
  additionalHeaders: webhookHeadersSchema.nullish(),
  bodyTemplate: bodyTemplateSchema.nullish(),
});

export type WebhookConnectionConfig = z.infer<typeof webhookConnectionConfigSchema>;
