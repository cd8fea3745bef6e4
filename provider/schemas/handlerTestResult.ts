import { z } from "zod";

/** The answer of every test endpoint: did the test event reach the target, and if not, why. */
export const handlerTestResultSchema = z.looseObject({
  successful: z.boolean(),
  message: z.string().nullish(),
});

export type HandlerTestResult = z.infer<typeof handlerTestResultSchema>;

/**
 * A test's answer as the provider records it (an EventHandler's lastTest, a KafkaConnection's
 * lastVerification): whether it reached the target, DM's message (null when it gave none), and the ISO
 * time of the test.
 */
export const testOutcomeSchema = z.object({
  successful: handlerTestResultSchema.shape.successful,
  message: z.string().nullable(),
  time: z.string(),
});

export type TestOutcome = z.infer<typeof testOutcomeSchema>;

/** Records a test's answer, stamped with the time it came. */
export function testOutcome(result: HandlerTestResult, now = new Date()): TestOutcome {
  return { successful: result.successful, message: result.message ?? null, time: now.toISOString() };
}
