import { describe, expectTypeOf, it } from "vitest";
import type { HandlerTestResult, TestOutcome } from "../../provider/schemas";
import type { DmTestResult, EventHandlerLastTest, KafkaVerification } from "../../sdk";
import type { HandlerState } from "../../provider/resources/eventHandler/types";

/**
 * The SDK documents its outputs in the user's words, so it declares their shapes itself; these must stay
 * the contract's (provider/schemas), which is what the provider writes into them. tsc fails here on drift.
 */
describe("the SDK's output shapes are the contract's", () => {
  it("lastTest and lastVerification are the TestOutcome the provider records", () => {
    expectTypeOf<EventHandlerLastTest>().toEqualTypeOf<TestOutcome>();
    expectTypeOf<KafkaVerification>().toEqualTypeOf<TestOutcome>();
    expectTypeOf<DmTestResult>().toEqualTypeOf<TestOutcome>();
    expectTypeOf<NonNullable<HandlerState["lastTest"]>>().toEqualTypeOf<TestOutcome>();
  });

  it("a TestOutcome carries what a test endpoint answers", () => {
    expectTypeOf<TestOutcome["successful"]>().toEqualTypeOf<HandlerTestResult["successful"]>();
  });
});
