import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { FaultInjector, spentFaultLimit } from "../../sandbox/faults";
import { repoRoot } from "../support/repoRoot";
import { testSandbox, token, webhookBody } from "./client";

describe("faults", () => {
  it("injects 429 with Retry-After, 5xx, latency and dropped connections on a path, for N requests", async () => {
    const t = await testSandbox();
    try {
      await t.admin("POST", "/faults", {
        pathPattern: "/handler$",
        method: "GET",
        kind: "status",
        status: 429,
        retryAfter: 2,
        times: 2,
      });
      const first = await fetch(`${t.sandbox.url}/api/coiotedm/v3/deviceEvents/handler`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(first.status).toBe(429);
      expect(first.headers.get("retry-after")).toBe("2");
      expect(await t.admin("GET", "/faults")).toEqual([
        expect.objectContaining({ id: 1, status: 429, times: 2, remaining: 1, fired: 1 }),
      ]);
      expect((await t.call("GET", "")).status).toBe(429);
      expect((await t.call("GET", "")).status).toBe(200); // used up
      // A spent fault stays listed, so a test can tell that it fired.
      expect(await t.admin("GET", "/faults")).toEqual([
        expect.objectContaining({ id: 1, status: 429, times: 2, remaining: 0, fired: 2 }),
      ]);

      await t.admin("POST", "/faults", { pathPattern: "/handler$", kind: "status", status: 503 });
      expect((await t.call("GET", "")).body).toMatchObject({ code: 5030 });

      await t.admin("POST", "/faults", { pathPattern: "/handler$", kind: "latency", latencyMs: 300 });
      const started = Date.now();
      await t.call("GET", "");
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);

      await t.admin("POST", "/faults", { pathPattern: "/handler$", kind: "drop" });
      await expect(t.call("GET", "")).rejects.toThrow();
      const log = await t.admin("GET", "/requests");
      expect(log.at(-1)).toMatchObject({ method: "GET", status: 0, fault: "drop" });
    } finally {
      await t.sandbox.stop();
    }
  });

  it("after commit: the write happens, the answer is lost", async () => {
    const t = await testSandbox();
    try {
      await t.admin("POST", "/faults", { pathPattern: "/handler/webhook$", kind: "drop", afterCommit: true });
      await expect(t.call("POST", "/webhook", { body: webhookBody() })).rejects.toThrow();
      expect(await t.admin("GET", "/handlers")).toHaveLength(1);
      await t.admin("POST", "/faults", {
        pathPattern: "/handler/webhook$",
        kind: "status",
        status: 500,
        afterCommit: true,
      });
      expect((await t.call("POST", "/webhook", { body: webhookBody() })).status).toBe(500);
      expect(await t.admin("GET", "/handlers")).toHaveLength(2);
    } finally {
      await t.sandbox.stop();
    }
  });

  it("matches globs as well as regular expressions, methods in any case; refuses a bad fault", async () => {
    const t = await testSandbox();
    try {
      const { body: id } = await t.call("POST", "/webhook", { body: webhookBody() });
      // `*` stays within a path segment, `**` crosses segments; a glob matches the whole path.
      await t.admin("POST", "/faults", {
        pathPattern: "/api/*/v3/deviceEvents/handler/*",
        method: "get",
        kind: "status",
        status: 502,
      });
      expect((await t.call("GET", "")).status).toBe(200); // the list path has no segment after "handler"
      expect((await t.call("GET", `/${id}`)).status).toBe(502);
      await t.admin("POST", "/faults", { pathPattern: "/api/**/existing/*", kind: "status", status: 504 });
      expect((await t.call("POST", `/test/existing/${id}`)).status).toBe(504);
      await t.admin("POST", "/faults", { pathPattern: "/api/auth/**", kind: "status", status: 503 });
      const login = await fetch(`${t.sandbox.url}/api/auth/oauth_password`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=a&password=b",
      });
      expect(login.status).toBe(503);
      const bad = await fetch(`${t.sandbox.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pathPattern: "(", kind: "drop" }),
      });
      expect(bad.status).toBe(400);
      const unknownKind = await fetch(`${t.sandbox.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pathPattern: "/x", kind: "explode" }),
      });
      expect(await unknownKind.json()).toMatchObject({
        code: 4000,
        message: expect.stringContaining("kind"),
      });
      // Each fault fired once, at the request it was meant for; the refused ones were never added.
      expect(await t.admin("GET", "/faults")).toEqual([
        expect.objectContaining({
          pathPattern: "/api/*/v3/deviceEvents/handler/*",
          method: "GET",
          status: 502,
          remaining: 0,
          fired: 1,
        }),
        expect.objectContaining({ pathPattern: "/api/**/existing/*", status: 504, remaining: 0, fired: 1 }),
        expect.objectContaining({ pathPattern: "/api/auth/**", status: 503, remaining: 0, fired: 1 }),
      ]);
      await t.admin("DELETE", "/faults");
      expect(await t.admin("GET", "/faults")).toEqual([]);
    } finally {
      await t.sandbox.stop();
    }
  });

  it("keeps the newest spent faults in the list, up to a bound, and every pending one", async () => {
    const injector = new FaultInjector();
    const pending = injector.add({ pathPattern: "/never", kind: "drop" });
    for (let i = 0; i < spentFaultLimit + 2; i++) {
      injector.add({ pathPattern: "/x$", kind: "drop" });
      expect(injector.take("GET", "/x")).toMatchObject({ remaining: 0, fired: 1 });
    }
    const listed = injector.list();
    expect(listed).toHaveLength(spentFaultLimit + 1);
    expect(listed[0]).toEqual(pending);
    // The two oldest spent faults (ids 2 and 3) were dropped.
    expect(listed[1]).toMatchObject({ id: 4, remaining: 0, fired: 1 });
    expect(listed.at(-1)).toMatchObject({ id: spentFaultLimit + 3, remaining: 0, fired: 1 });
  });

  it("the request log holds method, path and status, never bodies or tokens", async () => {
    const t = await testSandbox();
    try {
      await t.call("POST", "/webhook", { body: webhookBody() });
      const log = await t.admin("GET", "/requests");
      expect(log).toEqual([
        expect.objectContaining({
          method: "POST",
          path: "/api/coiotedm/v3/deviceEvents/handler/webhook",
          status: 201,
        }),
      ]);
      expect(JSON.stringify(log)).not.toContain(token);
      expect(JSON.stringify(log)).not.toContain("pw-secret");
    } finally {
      await t.sandbox.stop();
    }
  });
});

describe("persistence", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-data-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps handlers and domain properties across a restart with a data file", async () => {
    const dataFile = path.join(dir, "dm.json");
    const first = await testSandbox({ dataFile });
    const { body: id } = await first.call("POST", "/webhook", { body: webhookBody() });
    await first.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=x:1" });
    await first.sandbox.stop();
    const second = await testSandbox({ dataFile });
    try {
      expect((await second.call("GET", `/${id}`)).body).toMatchObject({ id, name: "rules" });
      const body = {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: { type: "domainProperty", topic: "t" },
      };
      expect((await second.call("POST", "/kafka", { body })).status).toBe(201);
    } finally {
      await second.sandbox.stop();
    }
  });
});

describe("the coiote-sandbox command", () => {
  // A failed assertion must not leave a sandbox process running.
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const spawnCli = (args: string[]) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "sandbox", "cli.js"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    return child;
  };

  it("with --verbose, logs JSON lines to standard error and prints only its address on standard output", async () => {
    const child = spawnCli(["--port", "0", "--token", "cli-token", "--verbose"]);
    const stdout: string[] = [];
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
    const first = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on("line", (line) => stdout.push(line));
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    const url = /^coiote-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1];
    expect(url, first).toMatch(/^http:/);
    await fetch(`${url}/api/coiotedm/v3/deviceEvents/handler`, {
      headers: { authorization: "Bearer cli-token" },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toEqual([first]);
    const logs = stderr
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string });
    expect(logs.some((log) => log.msg === "incoming request")).toBe(true);
  });

  it("starts with a static token, prints its URL once it accepts requests, binds to loopback, and stops on SIGTERM", async () => {
    const child = spawnCli(["--port", "0", "--token", "cli-token"]);
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    // On loopback, and the whole line: it is what scripts parse.
    expect(line).toMatch(/^coiote-sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice("coiote-sandbox listening on ".length);
    const ok = await fetch(`${url}/api/coiotedm/v3/deviceEvents/handler`, {
      headers: { authorization: "Bearer cli-token" },
    });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${url}/api/coiotedm/v3/deviceEvents/handler`, {
      headers: { authorization: "Bearer other" },
    });
    expect(refused.status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
