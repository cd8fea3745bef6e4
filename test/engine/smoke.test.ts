import { describe, expect, it } from "vitest";
import type { ProgramStack } from "../../testing";
import { useStacks } from "../support/fixture";

// The engine itself, end to end: if this fails, every other engine test would fail for the same reason.
describe.sequential("the real Pulumi engine runs a dynamic-resource program", () => {
  let stack: ProgramStack;
  const stacks = useStacks();

  it("creates the resource on up", async () => {
    stack = await stacks.stack({ program: "test/programs/smoke", config: { label: { value: "a" } } });
    // Through the CLI, as users run it: a preview phase first, then the update.
    const { previewOperations, operations } = await stack.up();
    expect(previewOperations).toEqual({ thing: "create" });
    expect(operations).toEqual({ thing: "create" });
    expect(await stack.outputs()).toEqual({ thingId: "smoke-a", nodeVersion: process.version });
  });

  it("runs the program on the Node.js the tests run on (Node 24 LTS in the second pass of npm test)", async () => {
    const { nodeVersion } = await stack.outputs();
    expect(nodeVersion).toBe(process.version);
    const expected = process.env.COIOTE_EXPECT_NODE_MAJOR;
    if (expected) expect(nodeVersion).toMatch(new RegExp(`^v${expected}\\.`));
  });

  it("previews no changes after up", async () => {
    const preview = await stack.preview();
    expect(preview.changes).toBe(0);
    expect(preview.operations).toEqual({ thing: "same" });
  });

  it("refreshes with no changes", async () => {
    const refresh = await stack.refresh();
    expect(refresh.changes).toBe(0);
  });

  it("updates in place when a non-identifying input changes", async () => {
    await stack.setConfig({ size: { value: "2" } });
    expect((await stack.preview()).operations).toEqual({ thing: "update" });
    expect((await stack.up()).operations).toEqual({ thing: "update" });
    expect((await stack.preview()).changes).toBe(0);
  });

  it("replaces when the diff asks for it", async () => {
    await stack.setConfig({ label: { value: "b" } });
    expect((await stack.up()).operations).toEqual({ thing: "replace" });
    expect(await stack.outputs()).toMatchObject({ thingId: "smoke-b" });
  });

  it("destroys everything", async () => {
    await stack.destroy();
    expect(await stack.resourcesInState()).toEqual([]);
  });
});
