import { z } from "zod";

/** DM's error body; the HTTP status is the first three digits of `code` (e.g. 4040 → 404). */
export const errorBodySchema = z.looseObject({
  message: z.string(),
  code: z.number().int(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * The parts of DM's error body an answer has: an error may come from a proxy or a load balancer instead,
 * so each field is taken when it has the right type, and the rest is left out.
 */
export function errorBodyParts(body: unknown): Partial<ErrorBody> {
  const node = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const message = errorBodySchema.shape.message.safeParse(node.message);
  const code = errorBodySchema.shape.code.safeParse(node.code);
  return {
    ...(message.success ? { message: message.data } : {}),
    ...(code.success ? { code: code.data } : {}),
  };
}
