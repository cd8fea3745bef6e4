import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandboxAndReceiver } from "../support/fixture";
import { ensurePulumiBin, offlinePulumiEnv } from "../../testing";
import { repoRoot } from "../support/repoRoot";
import { installPackage, packPackage, run } from "./pack";

/**
 * The Pulumi template the package ships (templates/coiote-typescript), used as the README says:
 * `pulumi new <template> --yes --name … --stack dev -c …` (non-interactively), the package installed, the
 * token set as a secret, then `pulumi up --yes`, `pulumi preview --expect-no-changes`, `pulumi destroy --yes`
 * against the sandbox. All through the CLI, in a folder outside this repository.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/template/" });
const template = path.join(repoRoot, "templates", "coiote-typescript");
let project: string;
let env: Record<string, string>;
let stateDir: string;

/** `pulumi <args>` in the project; a failure carries the CLI's output. */
const pulumi = (args: string[]) =>
  run("pulumi", [...args, "--non-interactive", "--color", "never"], {
    cwd: project,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${error.message}\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
  });

beforeAll(async () => {
  const { scratch, tarball } = await packPackage();
  fixture.cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  project = path.join(scratch, "my-dm-stack");
  stateDir = path.join(scratch, "state");
  mkdirSync(project);
  mkdirSync(stateDir);
  env = {
    ...offlinePulumiEnv(),
    PATH: `${ensurePulumiBin()}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: path.join(scratch, "home"),
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "template-test",
  };
  await pulumi([
    "new",
    template,
    "--yes",
    "--name",
    "my-dm-stack",
    "--stack",
    "dev",
    "-c",
    `coiote:url=${fixture.sandbox.url}`,
    "-c",
    "coiote:domain=/template/",
    "-c",
    `receiverUrl=${fixture.receiver.url}/from-template`,
  ]);
  await installPackage(project, tarball);
  // A secret is set with --secret (values given to `pulumi new -c` are stored in plain text).
  await pulumi(["config", "set", "--secret", "coiote:token", fixture.sandbox.token]);
  fixture.cleanups.unshift(async () => {
    await pulumi(["destroy", "--yes"]).catch(() => undefined);
  });
}, 600_000);

describe.sequential("pulumi new with the package's template", () => {
  it("makes a project that comes up with `pulumi up --yes` and whose handler DM tests", async () => {
    await pulumi(["up", "--yes"]);
    const { stdout } = await pulumi(["stack", "output", "--json", "--show-secrets"]);
    expect(JSON.parse(stdout)).toMatchObject({ lastTest: { successful: true } });
    expect(await fixture.sandbox.handlers()).toMatchObject([
      { name: "temperature readings", domain: "/template/" },
    ]);
  });

  it("then previews no changes, keeps the token out of the state, and is destroyed", async () => {
    await pulumi(["preview", "--expect-no-changes"]);
    const stacks = path.join(stateDir, ".pulumi", "stacks", "my-dm-stack");
    const state = readdirSync(stacks).find((f) => f.endsWith(".json"))!;
    expect(readFileSync(path.join(stacks, state), "utf8")).not.toContain(fixture.sandbox.token);
    await pulumi(["destroy", "--yes"]);
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
