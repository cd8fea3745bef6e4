import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliRun,
  type ExportSandbox,
  runCli,
  startAddingProxy,
  startExportSandbox,
  token,
  workFolder,
} from "./dm";

/** One clear line on standard error: no stack trace, nothing on standard output. */
function expectOneLineFailure(run: CliRun, pattern: RegExp, status = 1): void {
  expect(run.stdout).toBe("");
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^coiote-export: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.status).toBe(status);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("coiote-export on bad input: one clear line, a non-zero exit, nothing written anywhere", () => {
  let dm: ExportSandbox;
  const folders: string[] = [];
  const folder = (label: string) => {
    const made = workFolder(label);
    folders.push(made);
    return made;
  };
  const env = () => ({ COIOTE_URL: dm.url, COIOTE_TOKEN: token });

  beforeAll(async () => {
    dm = await startExportSandbox();
    await dm.createHandler("/acme/", {
      type: "webhook",
      name: "alerts",
      enabled: true,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: { uri: "http://127.0.0.1:9/hook", auth: { type: "token", token: "t0k3n" } },
    });
    await dm.clearRequests();
  });

  afterAll(async () => {
    // Whatever the cases did, DM saw reads only.
    const requests = dm ? await dm.requests() : [];
    await dm?.stop();
    for (const made of folders) rmSync(made, { recursive: true, force: true });
    expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("a wrong token", async () => {
    const out = folder("token");
    const run = await runCli(["--domain", "/acme/", "--out", out], { ...env(), COIOTE_TOKEN: "wrong" });
    expectOneLineFailure(run, /list handlers in domain \/acme\/ failed: HTTP 401.*invalid token/);
    expect(existsSync(out)).toBe(false);
    expect(run.stderr).not.toContain("wrong");
  });

  it("a wrong password", async () => {
    const run = await runCli(["--domain", "/acme/", "--out", folder("password"), "--username", "ops"], {
      COIOTE_URL: dm.url,
      COIOTE_PASSWORD: "nope",
    });
    expectOneLineFailure(run, /log in as "ops" failed: HTTP 401/);
  });

  it("an unreachable DM", async () => {
    const out = folder("unreachable");
    const run = await runCli(["--domain", "/acme/", "--out", out], {
      COIOTE_URL: `http://127.0.0.1:${await closedPort()}`,
      COIOTE_TOKEN: token,
      COIOTE_RETRY_BUDGET_SECONDS: "1",
    });
    expectOneLineFailure(run, /list handlers in domain \/acme\/ failed: .*(ECONNREFUSED|connect)/i);
    expect(existsSync(out)).toBe(false);
  });

  it("a domain with no handlers, and a tree with none", async () => {
    const out = folder("empty");
    expectOneLineFailure(
      await runCli(["--domain", "/nothing-here/", "--out", out], env()),
      /no handlers in domain \/nothing-here\/: nothing to export/,
    );
    expectOneLineFailure(
      await runCli(["--domain", "/nothing-here/", "--recursive", "--out", out], env()),
      /no handlers in domain \/nothing-here\/ or its subdomains \(1 domains\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("a domain the token cannot see", async () => {
    const issued = await fetch(`${dm.url}/__sandbox/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ domain: "/other/" }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", folder("hidden")], {
        ...env(),
        COIOTE_TOKEN: issued.access_token,
      }),
      /HTTP 404.*domain \/acme\/ not found/,
    );
  });

  it("an existing non-empty --out, refused before DM is asked anything; --force writes into it", async () => {
    const out = folder("occupied");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "notes.txt"), "mine\n");
    await dm.clearRequests();
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", out], env()),
      /--out .* is not empty.*--force/,
    );
    expect(readdirSync(out)).toEqual(["notes.txt"]);
    expect(await dm.requests()).toEqual([]);
    const forced = await runCli(["--domain", "/acme/", "--out", out, "--force"], env());
    expect(forced.status).toBe(0);
    expect(readFileSync(path.join(out, "notes.txt"), "utf8")).toBe("mine\n");
    expect(existsSync(path.join(out, "index.ts"))).toBe(true);
    // An empty folder is fine without --force.
    const empty = folder("empty-ok");
    mkdirSync(empty, { recursive: true });
    expect((await runCli(["--domain", "/acme/", "--out", empty], env())).status).toBe(0);
  });

  it("a domain whose only handler has a type this package does not know", async () => {
    const template = await fetch(`${dm.url}/api/coiotedm/v3/deviceEvents/handler?domain=/acme/`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<Array<Record<string, unknown>>>);
    const proxy = await startAddingProxy(dm.url, "/rules/", {
      ...template[0],
      id: "00000000000000000000abcd",
      domain: "/rules/",
      type: "alertRule",
    });
    try {
      const out = folder("unknown");
      expectOneLineFailure(
        await runCli(["--domain", "/rules/", "--out", out], { COIOTE_URL: proxy.url, COIOTE_TOKEN: token }),
        /none of the 1 handlers in domain \/rules\/ can be exported: skipped "alerts" \(00000000000000000000abcd\) in \/rules\/: type "alertRule"/,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      await proxy.stop();
    }
  });

  it("missing settings and wrong usage", async () => {
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", folder("x")], {}),
      /no DM URL: give --url/,
    );
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", folder("x")], { COIOTE_URL: dm.url }),
      /no DM credentials/,
    );
    expectOneLineFailure(await runCli(["--out", folder("x")], env()), /no domain to export: give --domain/);
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", folder("x")], { ...env(), COIOTE_URL: "ftp://dm" }),
      /--url \(or COIOTE_URL\) must be http or https/,
    );
    expectOneLineFailure(await runCli(["--domain", "/acme/"], env()), /--out <dir> is required/, 2);
    expectOneLineFailure(
      await runCli(["--domain", "/acme/", "--out", "x", "--bogus"], env()),
      /Unknown option '--bogus'.*--help/,
      2,
    );
    expectOneLineFailure(await runCli(["--id", "nope"], env()), /--id "nope" is not a DM handler id/);
    expectOneLineFailure(
      await runCli(["--id", "ffffffffffffffffffffffff"], env()),
      /DM has no handler ffffffffffffffffffffffff/,
    );
    expectOneLineFailure(
      await runCli(["--id", "ffffffffffffffffffffffff", "--out", "x"], env()),
      /takes no --out/,
      2,
    );
  });

  it("--help says how to use it", async () => {
    const run = await runCli(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    for (const flag of [
      "--domain",
      "--recursive",
      "--out",
      "--force",
      "--id",
      "--influx-as-integration",
      "--package-spec",
      "--url",
      "--token",
      "--username",
    ])
      expect(run.stdout).toContain(flag);
    expect(run.stdout).toContain("COIOTE_URL");
    expect(run.stdout).toContain("set-secrets.sh");
  });
});
