import { z } from "zod";

/** The answer of every test endpoint: did the test event reach the target, and if not, why. */
export const handlerTestResultSchema = z.looseObject({
  successful: z.boolean(),
  message: z.string().nullish(),
});

export type HandlerTestResult = z.infer<typeof handlerTestResultSchema>;
