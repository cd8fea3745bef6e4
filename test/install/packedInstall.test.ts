import { mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramStack } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { repoRoot } from "../support/repoRoot";
import { installPackage, packPackage, run } from "./pack";

/**
 * The package as a user gets it: `npm pack` of this repository, installed from the tarball into a fresh
 * project outside it (so nothing resolves through the repository's own node_modules), with the engine
 * found by the script the package ships, and the project's own `pulumi up --yes`, `pulumi preview
 * --expect-no-changes` and `pulumi destroy --yes`. A file missing from the package's `files`, or a
 * dependency that only resolves inside the repository, fails here.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/installed/" });
let project: string;
let stack: ProgramStack;

const program = `import * as pulumi from "@pulumi/pulumi";
import { EventHandler } from "pulumi-coiote";

const config = new pulumi.Config();
const alerts = new EventHandler("alerts", {
  type: "webhook",
  name: "installed from the tarball",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: {
    uri: config.require("alertsUrl"),
    auth: { type: "token", token: config.requireSecret("alertsToken") },
  },
});
export const handlerId = alerts.id;
export const lastTest = alerts.lastTest;
`;

beforeAll(async () => {
  const { scratch, tarball } = await packPackage();
  fixture.cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  project = path.join(scratch, "my-stack");
  mkdirSync(project);
  writeFileSync(path.join(project, "Pulumi.yaml"), "name: my-stack\nruntime: nodejs\n");
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "my-stack", private: true, main: "index.ts" }, null, 2),
  );
  writeFileSync(path.join(project, "index.ts"), program);
  // As the README says: the tarball (or the registry, once published) and the Pulumi SDK.
  await installPackage(project, tarball);

  // The engine, from the script the installed package ships (cached on this machine, built otherwise).
  const { stdout } = await run("bash", [
    path.join(project, "node_modules", "pulumi-coiote", "scripts", "ensure-pulumi.sh"),
  ]);
  const pulumiBin = stdout.trim().split("\n").at(-1)!;
  stack = await fixture.sandboxStack({
    program: project,
    standalone: true,
    pulumiBin,
    config: {
      alertsUrl: { value: `${fixture.receiver.url}/alerts` },
      alertsToken: { value: "installed-token-CANARY", secret: true },
    },
  });
}, 600_000);

describe.sequential("the packed package, installed into a project of its own", () => {
  it("resolves pulumi-coiote from the project's node_modules, not from this repository", async () => {
    const { stdout } = await run(process.execPath, ["-p", 'require.resolve("pulumi-coiote")'], {
      cwd: project,
    });
    const resolved = realpathSync(stdout.trim());
    expect(resolved.startsWith(realpathSync(project))).toBe(true);
    expect(resolved.startsWith(realpathSync(repoRoot))).toBe(false);
  });

  it("ships pulumi-coiote/testing (the fixtures for a user's own stack tests) and both CLIs", async () => {
    const probe =
      'const t = require("pulumi-coiote/testing"); console.log(JSON.stringify({ fixture: typeof t.useSandboxAndReceiver, stack: typeof t.ProgramStack, root: t.packageRoot }))';
    const { stdout } = await run(process.execPath, ["-e", probe], { cwd: project });
    const shipped = JSON.parse(stdout) as { fixture: string; stack: string; root: string };
    expect(shipped).toMatchObject({ fixture: "function", stack: "function" });
    // Its scripts (the engine and server builds) are found in the installed package, not in this repository.
    expect(realpathSync(shipped.root)).toBe(
      realpathSync(path.join(project, "node_modules", "pulumi-coiote")),
    );
    for (const bin of ["coiote-sandbox", "coiote-export"]) {
      const help = await run(path.join(project, "node_modules", ".bin", bin), ["--help"]);
      expect(help.stdout).toContain(bin);
    }
  });

  it("comes up with `pulumi up --yes`, and the handler is tested by DM", async () => {
    const { previewOperations, operations } = await stack.up();
    expect(previewOperations).toMatchObject({ alerts: "create" });
    expect(operations).toMatchObject({ alerts: "create" });
    expect(await stack.outputs()).toMatchObject({ lastTest: { successful: true } });
    expect((await fixture.sandbox.handlers()).map((h) => h.name)).toEqual(["installed from the tarball"]);
  });

  it("passes `pulumi preview --expect-no-changes`", async () => {
    await stack.run(["preview", "--expect-no-changes"]);
  });

  it("keeps the secret out of the state", () => {
    expect(stack.stateFileText()).not.toContain("installed-token-CANARY");
  });

  it("is removed by `pulumi destroy --yes`", async () => {
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
