import { z } from "zod";

/** DM's error body; the HTTP status is the first three digits of `code` (e.g. 4040 → 404). */
export const errorBodySchema = z.looseObject({
  message: z.string(),
  code: z.number().int(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;
