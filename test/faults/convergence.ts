import { expect } from "vitest";
import { type DmSandbox, type ProgramStack } from "../../testing";

export type Spec = { resourceName: string; args: Record<string, unknown> };

/**
 * The invariants a CI pipeline relies on after any failure: once faults stop, one more `up` succeeds and
 * DM holds exactly the declared handlers (no duplicate, no orphan), the state's ids are DM's ids, and a
 * preview shows nothing left to do.
 */
export async function assertConverged(
  stack: ProgramStack,
  sandbox: DmSandbox,
  specs: Spec[],
  domain: string,
): Promise<void> {
  await stack.up();
  const inDm = (await sandbox.handlers()).filter((h) => h.domain === domain);
  const declaredNames = specs.map((s) => s.args.name as string).sort();
  expect(inDm.map((h) => h.name).sort()).toEqual(declaredNames);
  const inState = await stack.resourcesInState();
  expect(inState.map((r) => r.id).sort()).toEqual(inDm.map((h) => h.id).sort());
  expect((await stack.preview()).changes).toBe(0);
}
