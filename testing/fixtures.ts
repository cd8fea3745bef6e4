import type { SandboxOptions } from "../sandbox";
import { DmSandbox } from "./dmSandbox";
import { type ProgramStack, type ProgramStackOptions, programStack } from "./engine";
import { Receiver } from "./receiver";

/**
 * The test runner's file-level hooks. Passed in rather than imported, so this module works with any runner
 * and loads as CommonJS (vitest refuses `require("vitest")`): with vitest, `{ beforeAll, afterAll }` from
 * "vitest"; with jest, its globals; with node:test, `{ beforeAll: before, afterAll: after }`.
 */
export interface TestHooks {
  /**
   * Registers `fn` to run once before the file's tests. The fixtures pass no `timeoutMs`, so the
   * runner's default hook timeout applies: raise it (vitest's `hookTimeout`) when a first run may build
   * the engine or the servers.
   */
  beforeAll(fn: () => Promise<void>, timeoutMs?: number): void;
  /**
   * Registers `fn` to run once after the file's tests, also when some failed. Destroying stacks takes a
   * `pulumi destroy` each, so the runner's hook timeout must allow for that too.
   */
  afterAll(fn: () => Promise<void>, timeoutMs?: number): void;
}

/** What `useStacks` returns: a way to make stacks that are cleaned up after the file's tests. */
export interface StackFixture {
  /** Run in order after the file's tests: stacks register first (unshift), servers stop last. */
  cleanups: Array<() => Promise<void>>;
  /**
   * A stack of an on-disk program, destroyed (with its scratch folder) after the file's tests even when
   * an assertion failed half-way.
   */
  stack(options: ProgramStackOptions): Promise<ProgramStack>;
}

/**
 * What `useSandboxAndReceiver` returns. `sandbox` and `receiver` are set when the file's `beforeAll` has
 * run: read them inside tests and hooks, not at the top level of the file.
 */
export interface SandboxFixture extends StackFixture {
  /** This file's DM sandbox; stopped after the file's stacks are destroyed. */
  sandbox: DmSandbox;
  /** This file's webhook receiver, on a free port of 127.0.0.1; stopped after the file's stacks are gone. */
  receiver: Receiver;
  /**
   * Like `stack`, with the stack config pointing the provider at this file's sandbox (coiote:url and
   * coiote:token as a secret) merged under `options.config`; `providerConfig` adds plain coiote:* keys.
   */
  sandboxStack(
    options: ProgramStackOptions & { providerConfig?: Record<string, string> },
  ): Promise<ProgramStack>;
}

/** Stacks for one test file, disposed of after its tests, newest first. */
export function useStacks(hooks: TestHooks): StackFixture {
  const cleanups: Array<() => Promise<void>> = [];
  hooks.afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  return { cleanups, stack: (options) => programStack(options, (fn) => cleanups.unshift(fn)) };
}

/**
 * A DM sandbox and a webhook receiver for one test file, started before its tests and stopped after them,
 * after every stack the tests made has been destroyed.
 */
export function useSandboxAndReceiver(
  hooks: TestHooks,
  options: Partial<SandboxOptions> = {},
): SandboxFixture {
  const stacks = useStacks(hooks);
  const fixture = {
    ...stacks,
    sandboxStack: ({ providerConfig, ...stackOptions }) =>
      stacks.stack({
        ...stackOptions,
        config: { ...fixture.sandbox.providerConfig(providerConfig), ...stackOptions.config },
      }),
  } as SandboxFixture;
  hooks.beforeAll(async () => {
    fixture.sandbox = await DmSandbox.start(options);
    fixture.receiver = await Receiver.start();
    stacks.cleanups.push(
      () => fixture.receiver.stop(),
      () => fixture.sandbox.stop(),
    );
  });
  return fixture;
}
