import { z } from "zod";

export const basicAuthSchema = z.strictObject({
  type: z.literal("basic"),
  user: z.string().min(1, { error: "must not be empty" }),
  password: z.string().min(1, { error: "must not be empty" }),
});
/** Sent as `Authorization: Bearer <token>`. */
export const tokenAuthSchema = z.strictObject({
  type: z.literal("token"),
  token: z.string().min(1, { error: "must not be empty" }),
});
/** Sent verbatim as the `Authorization` header. */
export const customAuthSchema = z.strictObject({
  type: z.literal("customAuth"),
  value: z.string().min(1, { error: "must not be empty" }),
});

export const webhookAuthSchema = z.discriminatedUnion(
  "type",
  [basicAuthSchema, tokenAuthSchema, customAuthSchema],
  {
    error: 'type must be "basic", "token" or "customAuth"',
  },
);

export type WebhookAuth = z.infer<typeof webhookAuthSchema>;
