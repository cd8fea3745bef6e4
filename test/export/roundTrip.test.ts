import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { exportProject, type ExportResult } from "../../export";
import { ensurePulumiBin, type ProgramStack } from "../../testing";
import { useStacks } from "../support/fixture";
import { packPackage } from "../install/pack";
import { acme, createFixture, type CreatedFixture, plant } from "./fixture";
import { type ExportSandbox, readHandler, startExportSandbox, token } from "./dm";

const run = promisify(execFile);

/**
 * The export's promise, kept through the real engine and CLI: handlers made by hand in DM (every shape, two
 * domains) → `coiote-export` → `npm install` of the packed package → `set-secrets.sh` → `pulumi up --yes`
 * makes no DM write at all (GETs only, counted from the sandbox's request log) → `pulumi preview
 * --expect-no-changes` passes → an edit of the generated code is an in-place update → destroy.
 */
const stacks = useStacks();
let dm: ExportSandbox;
let created: CreatedFixture;
let exported: ExportResult;
let stack: ProgramStack;

/** The DM API requests (the admin API excluded) logged since `mark`, as "METHOD path". */
async function requestsSince(mark: number): Promise<string[]> {
  return (await dm.requests()).slice(mark).map((r) => `${r.method} ${r.path}`);
}

/** Every handler of the fixture's two domains, as DM's API shows them (secrets masked). */
async function handlersInDm(): Promise<Array<Record<string, unknown>>> {
  return (await Promise.all(created.ids.map((id) => dm.getHandler(id)))).filter(
    (h): h is Record<string, unknown> => h !== undefined,
  );
}

beforeAll(async () => {
  dm = await startExportSandbox();
  stacks.cleanups.push(() => dm.stop());
  created = await createFixture(dm);

  const { scratch, tarball } = await packPackage();
  stacks.cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const out = path.join(scratch, "acme-handlers");
  // The CLI as a user runs it from the published package: `npx coiote-export` (here from the tarball).
  await run(
    "npm",
    ["exec", "--yes", "--package", tarball, "--", "coiote-export", "--domain", acme, "--recursive"].concat([
      "--out",
      out,
      "--package-spec",
      `file:${tarball}`,
    ]),
    { cwd: scratch, env: { ...process.env, COIOTE_URL: dm.url, COIOTE_TOKEN: token } },
  );
  // The same export as a function, into a folder of its own, for what the test needs to know about it
  // (resource names, secret keys); the CLI's tests check that both write the same bytes.
  const mark = (await dm.requests()).length;
  exported = await exportProject({
    url: dm.url,
    token,
    domain: acme,
    recursive: true,
    out: path.join(scratch, "metadata"),
    packageSpec: `file:${tarball}`,
    warn: () => {},
  });
  expect(readFileSync(path.join(out, "index.ts"), "utf8")).toBe(
    readFileSync(path.join(scratch, "metadata", "index.ts"), "utf8"),
  );
  // Reading a domain tree is one domain list plus one handler list per domain, nothing else.
  expect(await requestsSince(mark)).toEqual([
    "GET /api/coiotedm/v3/domains",
    `GET /api/coiotedm/v3/deviceEvents/handler`,
    `GET /api/coiotedm/v3/deviceEvents/handler`,
  ]);
  // `npm install` in the exported project, from the package.json it wrote (the tarball stands in for the
  // registry until the package is published).
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: out,
    maxBuffer: 16 * 1024 * 1024,
  });

  stack = await stacks.stack({
    program: out,
    standalone: true,
    pulumiBin: ensurePulumiBin(),
    config: { "coiote:url": { value: dm.url }, "coiote:token": { value: token, secret: true } },
  });
  // The secrets DM never shows again, given to set-secrets.sh through the variables it names.
  const secretEnv = Object.fromEntries(
    exported.secrets.map((entry) => [entry.envVar, created.byId.get(entry.handlerId)!.secrets[entry.field]!]),
  );
  await run("bash", ["set-secrets.sh"], { cwd: out, env: { ...process.env, ...stack.env, ...secretEnv } });
}, 900_000);

describe.sequential("coiote-export, round trip through the engine", () => {
  it("exports every handler of both domains, each with its secrets in set-secrets.sh", () => {
    expect(exported.domains).toEqual([acme, plant]);
    expect(exported.handlers.map((h) => h.id).sort()).toEqual([...created.ids].sort());
    const expectedSecrets = [...created.byId.values()].reduce((n, h) => n + Object.keys(h.secrets).length, 0);
    expect(exported.secretKeys).toHaveLength(expectedSecrets);
  });

  it("the first `pulumi up --yes` adopts them all without a single DM write", async () => {
    const mark = (await dm.requests()).length;
    const { previewOperations, operations } = await stack.up();
    const names = exported.handlers.map((h) => h.resourceName);
    expect(Object.keys(operations).sort()).toEqual([...names].sort());
    expect(new Set(Object.values(operations))).toEqual(new Set(["create"]));
    expect(Object.keys(previewOperations).sort()).toEqual([...names].sort());
    const requests = await requestsSince(mark);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !r.startsWith("GET "))).toEqual([]);
  });

  it("the state holds no secret DM was given, and `pulumi preview --expect-no-changes` passes", async () => {
    const state = stack.stateFileText();
    for (const handler of created.byId.values())
      for (const value of Object.values(handler.secrets)) expect(state).not.toContain(value);
    const mark = (await dm.requests()).length;
    const preview = await stack.cli(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    expect((await requestsSince(mark)).filter((r) => !r.startsWith("GET "))).toEqual([]);
  });

  it("an edit of the generated code updates that one handler in place", async () => {
    const target = exported.handlers.find((h) => h.domain === plant && h.type === "webhook")!;
    const indexTs = path.join(stack.workDir, "index.ts");
    const code = readFileSync(indexTs, "utf8");
    const start = code.indexOf(`new EventHandler(${JSON.stringify(target.resourceName)}, {`);
    expect(start).toBeGreaterThan(-1);
    const enabledAt = code.indexOf("  enabled: true,", start);
    writeFileSync(
      indexTs,
      `${code.slice(0, enabledAt)}  enabled: false,${code.slice(enabledAt + "  enabled: true,".length)}`,
    );
    const mark = (await dm.requests()).length;
    const { operations } = await stack.up();
    expect(Object.entries(operations).filter(([, op]) => op !== "same")).toEqual([
      [target.resourceName, "update"],
    ]);
    expect((await readHandler(dm, target.id)).enabled).toBe(false);
    expect((await requestsSince(mark)).filter((r) => !r.startsWith("GET "))).toEqual([
      `PUT /api/coiotedm/v3/deviceEvents/handler/webhook/${target.id}`,
    ]);
  });

  it("destroy deletes the adopted handlers from DM", async () => {
    await stack.destroy();
    expect(await handlersInDm()).toEqual([]);
  });
});
