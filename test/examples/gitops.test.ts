import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramStack } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { repoRoot } from "../support/repoRoot";

/**
 * examples/gitops: the pipeline's steps, run with the scripts its workflow calls, against the sandbox: a
 * preview for a pull request (a readable diff in preview.txt), up on main, a drift check that passes,
 * then fails with the diff after a handler is changed through the DM API, a repair by up; two ups at once
 * on one stack (the second refused by the backend's lock, a re-run converging); destroy.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/gitops/" });
let stack: ProgramStack;

interface ScriptRun {
  code: number | null;
  output: string;
}

/** Runs one of the example's scripts as the workflow does, with the stack's CLI environment. */
function script(name: string, extraEnv: Record<string, string> = {}): { done: Promise<ScriptRun> } {
  const child = spawn("bash", [path.join("scripts", name)], {
    cwd: stack.workDir,
    env: { ...process.env, ...stack.env, STACK: stack.stack.name, ...extraEnv },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { done: new Promise((resolve) => child.on("close", (code) => resolve({ code, output }))) };
}
const runScript = (name: string, extraEnv?: Record<string, string>) => script(name, extraEnv).done;

beforeAll(async () => {
  stack = await fixture.sandboxStack({
    program: "examples/gitops",
    config: {
      alertsUrl: { value: `${fixture.receiver.url}/alerts` },
      alertsToken: { value: "gitops-token-CANARY", secret: true },
      inventoryUrl: { value: `${fixture.receiver.url}/inventory` },
    },
  });
}, 300_000);

describe.sequential("examples/gitops, step by step", () => {
  it("the workflow runs the scripts this test runs", () => {
    const workflow = readFileSync(
      path.join(repoRoot, "examples", "gitops", ".github", "workflows", "dm-handlers.yml"),
      "utf8",
    );
    for (const name of ["preview.sh", "up.sh", "drift.sh"]) expect(workflow).toContain(`scripts/${name}`);
    expect(workflow).toMatch(/run: npm test\n/);
  });

  it("pull request: the preview writes a readable diff of what merging would create", async () => {
    const { code, output } = await runScript("preview.sh", { PREVIEW_FILE: "preview.txt" });
    expect(code, output).toBe(0);
    const preview = readFileSync(path.join(stack.workDir, "preview.txt"), "utf8");
    expect(preview).toContain("+ pulumi-nodejs:dynamic/coiote:EventHandler: (create)");
    expect(preview).toContain('name            : "temperature alerts"');
    expect(preview).not.toContain("gitops-token-CANARY");
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });

  it("main: up creates the handlers, and the drift check finds none", async () => {
    const up = await runScript("up.sh");
    expect(up.code, up.output).toBe(0);
    expect((await fixture.sandbox.handlers()).map((h) => h.name).sort()).toEqual([
      "device inventory",
      "temperature alerts",
    ]);
    const drift = await runScript("drift.sh");
    expect(drift.code, drift.output).toBe(0);
    expect(drift.output).toContain("no drift");
  });

  it("nightly: a handler changed through the DM API fails the drift check with a readable diff", async () => {
    const handler = (await fixture.sandbox.handlers()).find((h) => h.name === "temperature alerts")!;
    // As DM's UI would: a PUT of the whole handler with another name and path.
    const edited = await fixture.sandbox.api("PUT", `/deviceEvents/handler/webhook/${handler.id}`, {
      enabled: handler.enabled,
      description: handler.description ?? null,
      name: "renamed in the UI",
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3304/0/5700"] },
      connectionConfig: {
        ...handler.connectionConfig,
        auth: { type: "token", token: "gitops-token-CANARY" },
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBeLessThan(300);
    const drift = await runScript("drift.sh");
    expect(drift.code).not.toBe(0);
    expect(drift.output).toContain("DRIFT: DM no longer matches the code");
    expect(drift.output).toMatch(/~ name\s*: "renamed in the UI" => "temperature alerts"/);
    expect(drift.output).toContain('- [1]: "/3304/0/5700"');
    expect(drift.output).not.toContain("gitops-token-CANARY");
  });

  it("up repairs the drift, and the check passes again", async () => {
    const up = await runScript("up.sh");
    expect(up.code, up.output).toBe(0);
    expect((await fixture.sandbox.handlers()).map((h) => h.name).sort()).toEqual([
      "device inventory",
      "temperature alerts",
    ]);
    expect((await runScript("drift.sh")).code).toBe(0);
  });

  it("two ups at once: the backend's lock refuses the second cleanly, and a re-run converges", async () => {
    await stack.setConfig({ inventoryUrl: { value: `${fixture.receiver.url}/inventory-2` } });
    const first = script("up.sh");
    // Start the second once the first holds the stack's lock (the file backend keeps it as a file).
    const locks = path.join(stack.workDir, "..", "state", ".pulumi", "locks");
    const held = () =>
      existsSync(locks) && readdirSync(locks, { recursive: true }).some((f) => String(f).endsWith(".json"));
    for (let i = 0; i < 600 && !held(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held(), "the first up took the lock").toBe(true);
    const second = await runScript("up.sh");
    const firstResult = await first.done;
    expect(firstResult.code, firstResult.output).toBe(0);
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/the stack is currently locked/);
    const retry = await runScript("up.sh");
    expect(retry.code, retry.output).toBe(0);
    expect(retry.output).toMatch(/Resources:\s+\d+ unchanged/);
    expect((await runScript("drift.sh")).code).toBe(0);
    const inventory = (await fixture.sandbox.handlers()).find((h) => h.name === "device inventory")!;
    expect(inventory.connectionConfig.uri).toBe(`${fixture.receiver.url}/inventory-2`);
  });

  it("destroy leaves nothing in DM", async () => {
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});

describe("examples/gitops: the project's own stack test", () => {
  it("npm test in the example (vitest with pulumi-coiote/testing) deploys to a sandbox and passes", async () => {
    const folder = path.join(repoRoot, "examples", "gitops");
    const result = await new Promise<ScriptRun>((resolve) => {
      const child = spawn("npm", ["test"], {
        cwd: folder,
        env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests\s+1 passed/);
    // Its stacks are destroyed and its scratch space removed: the project is left as it was.
    expect(existsSync(path.join(folder, ".test-work"))).toBe(false);
  });
});
