import { z } from "zod";
import { headerBreakingCharacters } from "./limits";

/** A value that goes into the Authorization header, so CR, LF and NUL would break it (never echoed). */
const headerSafe = (what: string) =>
  z
    .string()
    .min(1, { error: "must not be empty" })
    .refine((value) => !headerBreakingCharacters.test(value), {
      error: `must not contain CR, LF or NUL characters (it is sent ${what})`,
    });

export const basicAuthSchema = z.strictObject({
  type: z.literal("basic"),
  user: z.string().min(1, { error: "must not be empty" }),
  password: z.string().min(1, { error: "must not be empty" }),
});
/** Sent as `Authorization: Bearer <token>`. */
export const tokenAuthSchema = z.strictObject({
  type: z.literal("token"),
  token: headerSafe("in the Authorization header"),
});
/** Sent verbatim as the `Authorization` header. */
export const customAuthSchema = z.strictObject({
  type: z.literal("customAuth"),
  value: headerSafe("as the Authorization header"),
});

export const webhookAuthSchema = z.discriminatedUnion(
  "type",
  [basicAuthSchema, tokenAuthSchema, customAuthSchema],
  {
    error: 'type must be "basic", "token" or "customAuth"',
  },
);

export type WebhookAuth = z.infer<typeof webhookAuthSchema>;
