import type { SandboxOptions } from "../../sandbox";
import { afterAll, beforeAll } from "vitest";
import {
  type SandboxFixture,
  type StackFixture,
  useSandboxAndReceiver as use,
  useStacks as stacks,
} from "../../testing";

/** The package's fixtures (pulumi-coiote/testing) bound to vitest's hooks, as a user's own test binds them. */
export const useSandboxAndReceiver = (options: Partial<SandboxOptions> = {}): SandboxFixture =>
  use({ beforeAll, afterAll }, options);
export const useStacks = (): StackFixture => stacks({ beforeAll, afterAll });
