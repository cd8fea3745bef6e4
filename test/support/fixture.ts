import { afterAll, beforeAll } from "vitest";
import type { SandboxOptions } from "../../sandbox";
import { DmSandbox } from "./dmSandbox";
import { Receiver } from "./receiver";

export interface SandboxFixture {
  sandbox: DmSandbox;
  receiver: Receiver;
  /** Run in order after the file's tests: stacks register first (unshift), servers stop last. */
  cleanups: Array<() => Promise<void>>;
}

/**
 * A DM sandbox and a webhook receiver for one test file, started before its tests and stopped after
 * them, after every stack the tests registered has been destroyed.
 */
export function useSandboxAndReceiver(options: Partial<SandboxOptions> = {}): SandboxFixture {
  const fixture = { cleanups: [] } as unknown as SandboxFixture;
  beforeAll(async () => {
    fixture.sandbox = await DmSandbox.start(options);
    fixture.receiver = await Receiver.start();
    fixture.cleanups.push(
      () => fixture.receiver.stop(),
      () => fixture.sandbox.stop(),
    );
  });
  afterAll(async () => {
    for (const cleanup of fixture.cleanups) await cleanup();
  });
  return fixture;
}
