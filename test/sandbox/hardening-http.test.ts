import { spawn } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HandlerState } from "../../provider/resources/eventHandler/types";
import { validateHandlerInputs } from "../../provider/resources/eventHandler/validate";
import { repoRoot } from "../support/repoRoot";
import { testSandbox, type TestSandbox, token, webhookBody } from "./client";

/**
 * The sandbox's HTTP surface against what an outside probe found: cross-site and rebound requests to the
 * admin API, state file permissions, bad input answered wrongly, unbounded growth, and DM's tolerance of
 * an empty body under `Content-Type: application/json`. Everything goes over real HTTP.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** node:http, not fetch: fetch will not send a chosen Host, and adds headers of its own. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        // Node sends a DELETE's body unframed unless told its length.
        headers: {
          host: `127.0.0.1:${port}`,
          ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          let parsed: unknown = undefined;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: parsed });
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const json = { "content-type": "application/json" };
const mode = (file: string) => statSync(file).mode & 0o777;

describe("admin API: only local, same-origin JSON requests", () => {
  let t: TestSandbox;
  let port: number;
  let id: string;
  beforeAll(async () => {
    t = await testSandbox();
    port = t.sandbox.port;
  });
  afterAll(() => t.sandbox.stop());
  beforeEach(async () => {
    await t.admin("POST", "/reset");
    id = (await t.call("POST", "/webhook", { body: webhookBody() })).body;
  });

  it("refuses a cross-site form that would mint a root token", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" };
    const answer = await raw(port, "POST", "/__sandbox/tokens", form, "domain=/&token=minted-by-evil");
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 4030, message: expect.stringContaining("evil.example") });
    const use = await t.call("GET", "?domain=/", { token: "minted-by-evil" });
    expect(use.status).toBe(401);
  });

  it("refuses form and text bodies even without an Origin, before anything changes", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const tokens = await raw(port, "POST", "/__sandbox/tokens", form, "domain=/&token=form-token");
    expect(tokens).toMatchObject({ status: 415, body: { code: 4150 } });
    expect((await t.call("GET", "?domain=/", { token: "form-token" })).status).toBe(401);

    const event = await raw(
      port,
      "POST",
      "/__sandbox/events",
      form,
      "domain=/sandbox/&endpointName=d&url=/3303/0/5700&value=1",
    );
    expect(event).toMatchObject({ status: 415, body: { code: 4150 } });

    const edit = await raw(port, "POST", `/__sandbox/handlers/${id}`, form, "connectionConfig=garbage");
    expect(edit).toMatchObject({ status: 415, body: { code: 4150 } });

    const reset = await raw(port, "POST", "/__sandbox/reset", { "content-type": "text/plain" }, "x");
    expect(reset).toMatchObject({ status: 415, body: { code: 4150 } });
    const multipart = await raw(
      port,
      "POST",
      "/__sandbox/reset",
      { "content-type": "multipart/form-data; boundary=x" },
      "--x--",
    );
    expect(multipart.status).toBe(415);
    // A body without any Content-Type is not JSON either.
    const untyped = await raw(port, "POST", "/__sandbox/reset", { "content-length": "2" }, "{}");
    expect(untyped.status).toBe(415);
    expect(await t.admin("GET", "/handlers")).toHaveLength(1);
    expect(await t.admin("GET", "/handlers")).toEqual([
      expect.objectContaining({ id, connectionConfig: expect.objectContaining({ uri: expect.any(String) }) }),
    ]);
  });

  it("refuses a bodiless cross-site POST (reset) by its Origin, and Sec-Fetch-Site cross-site", async () => {
    const reset = await raw(port, "POST", "/__sandbox/reset", { origin: "http://evil.example" });
    expect(reset).toMatchObject({ status: 403, body: { code: 4030 } });
    const nullOrigin = await raw(port, "POST", "/__sandbox/reset", { origin: "null" });
    expect(nullOrigin.status).toBe(403);
    const otherPort = await raw(port, "POST", "/__sandbox/reset", { origin: `http://127.0.0.1:${port + 1}` });
    expect(otherPort.status).toBe(403);
    const fetchMetadata = await raw(port, "POST", "/__sandbox/reset", { "sec-fetch-site": "cross-site" });
    expect(fetchMetadata.status).toBe(403);
    expect(await t.admin("GET", "/handlers")).toHaveLength(1);
  });

  it("accepts its own origin, with or without a JSON body", async () => {
    const own = await raw(
      port,
      "POST",
      "/__sandbox/tokens",
      { ...json, origin: `http://localhost:${port}`, host: `localhost:${port}` },
      JSON.stringify({ domain: "/acme/" }),
    );
    expect(own).toMatchObject({ status: 201, body: { domain: "/acme/" } });
    const reset = await raw(port, "POST", "/__sandbox/reset", { origin: `http://127.0.0.1:${port}` });
    expect(reset.status).toBe(200);
    expect(await t.admin("GET", "/handlers")).toEqual([]);
  });

  it("refuses a Host that is not this machine (DNS rebinding) and accepts local names", async () => {
    const rebound = await raw(port, "GET", "/__sandbox/handlers", { host: `attacker.example:${port}` });
    expect(rebound).toMatchObject({ status: 403, body: { code: 4030 } });
    expect(rebound.text).not.toContain("pw-secret");
    const wrongPort = await raw(port, "GET", "/__sandbox/handlers", { host: "127.0.0.1:1" });
    expect(wrongPort.status).toBe(403);
    const noPort = await raw(port, "GET", "/__sandbox/handlers", { host: "localhost" });
    expect(noPort.status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const answer = await raw(port, "GET", "/__sandbox/handlers", { host });
      expect(answer.status, host).toBe(200);
      expect(answer.text).toContain("pw-secret");
    }
  });

  it("leaves the DM API to DM's rules: any Host, any Origin", async () => {
    const answer = await raw(port, "GET", "/api/coiotedm/v3/deviceEvents/handler", {
      host: `dm.example:${port}`,
      origin: "http://evil.example",
      authorization: `Bearer ${token}`,
    });
    expect(answer.status).toBe(200);
  });

  it("validates out-of-band edits with the DM API's schemas: nothing undeliverable gets stored", async () => {
    const garbage = await raw(
      port,
      "POST",
      `/__sandbox/handlers/${id}`,
      json,
      JSON.stringify({ connectionConfig: "garbage" }),
    );
    expect(garbage).toMatchObject({ status: 400, body: { code: 4000 } });
    expect(garbage.body.message).toContain("connectionConfig");
    const unknownField = await raw(port, "POST", `/__sandbox/handlers/${id}`, json, '{"colour":"red"}');
    expect(unknownField).toMatchObject({ status: 400, body: { code: 4000 } });
    const moved = await raw(port, "POST", `/__sandbox/handlers/${id}`, json, '{"domain":"/other/"}');
    expect(moved.status).toBe(400);
    const events = await raw(
      port,
      "POST",
      "/__sandbox/events?wait=true",
      json,
      JSON.stringify({ domain: "/sandbox/", endpointName: "d", url: "/3303/0/5700", value: 1 }),
    );
    expect(events.status).toBe(200);

    // A good edit, and writing back what GET /handlers showed, still work.
    const renamed = await raw(
      port,
      "POST",
      `/__sandbox/handlers/${id}`,
      json,
      '{"name":"by hand","enabled":false}',
    );
    expect(renamed).toMatchObject({
      status: 200,
      body: { name: "by hand", enabled: false, status: "inactive" },
    });
    const [shown] = await t.admin("GET", "/handlers");
    const writeBack = await raw(port, "POST", `/__sandbox/handlers/${id}`, json, JSON.stringify(shown));
    expect(writeBack.status).toBe(200);
  });

  it("answers an oversize admin body 413; the DM API keeps DM's 400/4000", async () => {
    const events = Array.from({ length: 1_000 }, (_, i) => ({
      domain: "/sandbox/",
      endpointName: `device-${i}-${"x".repeat(60)}`,
      url: "/3303/0/5700",
      value: i,
    }));
    const admin = await raw(port, "POST", "/__sandbox/events", json, JSON.stringify(events));
    expect(admin).toMatchObject({
      status: 413,
      body: { code: 4130, message: expect.stringContaining("65536") },
    });
    const dm = await t.call("POST", "/webhook", { body: webhookBody({ description: "x".repeat(70_000) }) });
    expect(dm).toMatchObject({ status: 400, body: { code: 4000 } });
  });

  it("validates the other admin bodies", async () => {
    const kafka = await raw(port, "PUT", "/__sandbox/domains/sandbox/kafka", json, '{"properties":7}');
    expect(kafka).toMatchObject({ status: 400, body: { code: 4000 } });
    const resetWithBody = await raw(port, "POST", "/__sandbox/reset", json, '{"everything":true}');
    expect(resetWithBody).toMatchObject({ status: 400, body: { code: 4000 } });
    expect(await t.admin("GET", "/handlers")).toHaveLength(1);
  });
});

describe("admin API with an admin token", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await testSandbox({ adminToken: "admin-secret" });
  });
  afterAll(() => t.sandbox.stop());

  it("needs Authorization: Bearer <admin token> on every admin call; the DM API is unaffected", async () => {
    const port = t.sandbox.port;
    expect((await raw(port, "GET", "/__sandbox/handlers")).status).toBe(401);
    expect((await raw(port, "GET", "/__sandbox/handlers", { authorization: "Bearer wrong" })).status).toBe(
      401,
    );
    expect((await raw(port, "POST", "/__sandbox/reset", { authorization: `Bearer ${token}` })).status).toBe(
      401,
    );
    const ok = await raw(port, "POST", "/__sandbox/reset", { authorization: "Bearer admin-secret" });
    expect(ok.status).toBe(200);
    expect((await t.call("GET", "")).status).toBe(200);
  });
});

describe("the data file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-hardening-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is written readable by its owner only (0600), also when it already existed with 0644", async () => {
    const fresh = path.join(dir, "fresh.json");
    const first = await testSandbox({ dataFile: fresh });
    try {
      expect((await first.call("POST", "/webhook", { body: webhookBody() })).status).toBe(201);
      expect(mode(fresh)).toBe(0o600);
    } finally {
      await first.sandbox.stop();
    }

    const old = path.join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ handlers: [], domainKafkaProperties: {} }), { mode: 0o644 });
    chmodSync(old, 0o644);
    const second = await testSandbox({ dataFile: old });
    try {
      expect(mode(old)).toBe(0o600); // before any write: the secrets already in it are not left readable
      expect((await second.call("POST", "/webhook", { body: webhookBody() })).status).toBe(201);
      for (const file of readdirSync(dir).filter((name) => name.startsWith("old.json")))
        expect(mode(path.join(dir, file)), file).toBe(0o600);
    } finally {
      await second.sandbox.stop();
    }
  });
});

describe("bad input gets a precise 400", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await testSandbox();
  });
  afterAll(() => t.sandbox.stop());
  beforeEach(() => t.admin("POST", "/reset"));

  it("a repeated ?domain= is 400 saying so, not 500", async () => {
    for (const [method, path, body] of [
      ["GET", "?domain=/a/&domain=/b/", undefined],
      ["POST", "/webhook?domain=/a/&domain=/b/", webhookBody()],
    ] as const) {
      const answer = await t.call(method, path, { body });
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body).toEqual({ code: 4000, message: expect.stringMatching(/domain is given 2 times/) });
    }
    expect(await t.admin("GET", "/handlers")).toEqual([]);
  });

  const injected = "v\r\nX-Injected: 1";
  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    [
      "a webhook header value",
      "/webhook",
      webhookBody({
        connectionConfig: { uri: "http://127.0.0.1:9/h", additionalHeaders: { "X-Trace": injected } },
      }),
      /connectionConfig\.additionalHeaders\["X-Trace"\]: the value of header "X-Trace" must not contain CR, LF or NUL/,
    ],
    [
      "a header DM's UI reserves (lenient mode stores those)",
      "/webhook",
      webhookBody({
        connectionConfig: { uri: "http://127.0.0.1:9/h", additionalHeaders: { Origin: "a\nb" } },
      }),
      /additionalHeaders\.Origin: the value of header "Origin"/,
    ],
    [
      "a webhook header value (NUL)",
      "/webhook",
      webhookBody({
        connectionConfig: { uri: "http://127.0.0.1:9/h", additionalHeaders: { "X-Trace": "a\u0000b" } },
      }),
      /"X-Trace" must not contain CR, LF or NUL/,
    ],
    [
      "a customAuth value",
      "/webhook",
      webhookBody({
        connectionConfig: {
          uri: "http://127.0.0.1:9/h",
          auth: { type: "customAuth", value: `Key ${injected}` },
        },
      }),
      /connectionConfig\.auth\.value: must not contain CR, LF or NUL characters \(it is sent as the Authorization header\)/,
    ],
    [
      "a bearer token",
      "/webhook",
      webhookBody({
        connectionConfig: { uri: "http://127.0.0.1:9/h", auth: { type: "token", token: `t${injected}` } },
      }),
      /connectionConfig\.auth\.token: must not contain CR, LF or NUL/,
    ],
    [
      "a Kafka record header value",
      "/kafka",
      {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: {
          type: "custom",
          topic: "t",
          value: "bootstrap.servers=127.0.0.1:9092",
          headers: { trace: injected },
        },
      },
      /connectionConfig\.headers\.trace: the value of header "trace" must not contain CR, LF or NUL/,
    ],
  ];
  it.each(cases)(
    "CR, LF or NUL in %s is refused at create and update, naming the header",
    async (_l, path, body, message) => {
      const created = await t.call("POST", path, { body });
      expect(created).toMatchObject({
        status: 400,
        body: { code: 4000, message: expect.stringMatching(message) },
      });
      expect(created.body.message).not.toContain("X-Injected");
      expect(await t.admin("GET", "/handlers")).toEqual([]);

      const clean = structuredClone(body) as { connectionConfig: Record<string, unknown> };
      delete clean.connectionConfig.additionalHeaders;
      delete clean.connectionConfig.headers;
      if (path === "/webhook") clean.connectionConfig.auth = { type: "basic", user: "u", password: "p" };
      const { body: id } = await t.call("POST", path, { body: clean });
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      const updated = await t.call("PUT", `${path}/${id}`, {
        body: { connectionConfig: body.connectionConfig },
      });
      expect(updated).toMatchObject({
        status: 400,
        body: { code: 4000, message: expect.stringMatching(message) },
      });
    },
  );

  it('refuses "." and ".." domain segments everywhere a domain is given', async () => {
    for (const domain of ["/acme/../", "/acme/./", "/./", "/acme/%2E%2E/"]) {
      const list = await t.call("GET", `?domain=${domain}`);
      expect(list, domain).toMatchObject({ status: 400, body: { code: 4000 } });
      expect(list.body.message).toMatch(/"\." and "\.\." segments/);
      expect((await t.call("POST", `/webhook?domain=${domain}`, { body: webhookBody() })).status).toBe(400);
    }
    const inBody = await t.call("POST", "/webhook", { body: webhookBody({ domain: "/acme/../" }) });
    expect(inBody).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/domain: must not have "\." or "\.\." segments/) },
    });
    const token = await raw(t.sandbox.port, "POST", "/__sandbox/tokens", json, '{"domain":"/a/../"}');
    expect(token.status).toBe(400);
    const event = await raw(
      t.sandbox.port,
      "POST",
      "/__sandbox/events",
      json,
      JSON.stringify({ domain: "/a/./", endpointName: "d", url: "/3303/0/5700", value: 1 }),
    );
    expect(event.status).toBe(400);
    // Names with dots in them are still names.
    expect((await t.call("POST", "/webhook?domain=/acme.corp/..x/", { body: webhookBody() })).status).toBe(
      201,
    );
    expect(await t.admin("GET", "/handlers")).toHaveLength(1);
  });

  it("the provider refuses the same at preview", () => {
    const failures = validateHandlerInputs({
      type: "webhook",
      name: "n",
      enabled: true,
      domain: "/acme/../",
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: { uri: "https://x.test", additionalHeaders: { "X-Trace": "a\r\nb" } },
      secrets: {},
    } as unknown as HandlerState);
    // Whatever form check failures take (property, or a path in the reason), both are named.
    const described = failures.map((f) => `${f.property} ${f.reason}`);
    expect(described).toContainEqual(expect.stringMatching(/domain.*must not have "\." or "\.\." segments/));
    expect(described).toContainEqual(
      expect.stringMatching(
        /X-Trace.*the value of header "X-Trace" must not contain CR, LF or NUL characters/,
      ),
    );
  });
});

describe("an empty body under Content-Type: application/json, as DM's SDK sends it", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await testSandbox();
  });
  afterAll(() => t.sandbox.stop());
  const dm = "/api/coiotedm/v3/deviceEvents/handler";
  const asSdk = { ...json, authorization: `Bearer ${token}` };

  it("is no body on routes that take none: test/existing and DELETE", async () => {
    const { body: id } = await t.call("POST", "/webhook", { body: webhookBody() });
    const tested = await raw(t.sandbox.port, "POST", `${dm}/test/existing/${id}`, asSdk);
    expect(tested).toMatchObject({ status: 200, body: { successful: false } });
    const charset = { ...asSdk, "content-type": "application/json; charset=utf-8" };
    expect((await raw(t.sandbox.port, "POST", `${dm}/test/existing/${id}`, charset, "")).status).toBe(200);
    const deleted = await raw(t.sandbox.port, "DELETE", `${dm}/${id}`, asSdk);
    expect(deleted.status).toBe(204);
    expect((await raw(t.sandbox.port, "DELETE", `${dm}/${id}`, asSdk)).status).toBe(404);
  });

  it("also on the admin API's bodiless calls", async () => {
    for (const [method, path] of [
      ["POST", "/__sandbox/reset"],
      ["DELETE", "/__sandbox/faults"],
      ["DELETE", "/__sandbox/requests"],
      ["DELETE", "/__sandbox/domains/sandbox/kafka"],
    ] as const) {
      expect((await raw(t.sandbox.port, method, path, json)).status, `${method} ${path}`).toBe(200);
    }
  });

  it("is still refused where a body is needed, and malformed JSON still is", async () => {
    const create = await raw(t.sandbox.port, "POST", `${dm}/webhook`, asSdk);
    expect(create).toMatchObject({
      status: 400,
      body: { code: 4000, message: expect.stringMatching(/empty/i) },
    });
    const update = await raw(t.sandbox.port, "PUT", `${dm}/webhook/${"a".repeat(24)}`, asSdk, "{");
    expect(update.status).toBeGreaterThanOrEqual(400);
    const poisoned = await raw(
      t.sandbox.port,
      "DELETE",
      `${dm}/${"a".repeat(24)}`,
      asSdk,
      '{"__proto__":{"x":1}}',
    );
    expect(poisoned).toMatchObject({ status: 400, body: { code: 4000 } });
  });
});

describe("bounded growth: the request log", () => {
  it("keeps the newest entries up to its limit, counts the dropped ones, and DELETE empties it", async () => {
    const t = await testSandbox({ requestLogLimit: 50 });
    try {
      for (let i = 0; i < 60; i++) await t.call("GET", `?domain=/log-${i}/`);
      const log = await t.admin("GET", "/requests");
      expect(log).toHaveLength(50);
      expect(log[0]).toMatchObject({ query: "domain=/log-10/" }); // the oldest ten went first
      expect(log.at(-1)).toMatchObject({ query: "domain=/log-59/" });
      expect(await t.admin("GET", "/requests/stats")).toEqual({ size: 50, limit: 50, dropped: 10 });
      await t.admin("DELETE", "/requests");
      expect(await t.admin("GET", "/requests")).toEqual([]);
      expect(await t.admin("GET", "/requests/stats")).toEqual({ size: 0, limit: 50, dropped: 0 });
      await t.call("GET", "");
      expect(await t.admin("GET", "/requests")).toHaveLength(1);
    } finally {
      await t.sandbox.stop();
    }
  });
});

/** A raw connection, to play a slow or silent client; resolves with what it got and when it closed. */
function slowClient(
  port: number,
  behave: (socket: Socket) => void,
): Promise<{ closedAfterMs: number; got: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let got = "";
    const socket = connect(port, "127.0.0.1", () => behave(socket));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (got += chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve({ closedAfterMs: Date.now() - started, got }));
  });
}

describe("bounded growth: slow and idle connections", () => {
  const timeouts = {
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_000,
    keepAliveTimeoutMs: 300,
    connectionTimeoutMs: 500,
  };
  let t: TestSandbox;
  beforeAll(async () => {
    t = await testSandbox(timeouts);
  });
  afterAll(() => t.sandbox.stop());

  it("closes a connection whose headers trickle in, with 408, within the headers timeout", async () => {
    let drip: NodeJS.Timeout | undefined;
    const result = await slowClient(t.sandbox.port, (socket) => {
      socket.write(`GET /api/coiotedm/v3/deviceEvents/handler HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      let n = 0;
      drip = setInterval(() => socket.writable && socket.write(`X-Slow-${n++}: a\r\n`), 100);
    });
    clearInterval(drip);
    expect(result.got).toMatch(/^HTTP\/1\.1 408/);
    expect(result.closedAfterMs).toBeLessThan(2_000);
  });

  it("closes a connection that never sends a byte, and an idle keep-alive connection", async () => {
    const silent = await slowClient(t.sandbox.port, () => undefined);
    expect(silent.closedAfterMs).toBeLessThan(2_000);
    const idle = await slowClient(t.sandbox.port, (socket) =>
      socket.write(
        `GET /api/coiotedm/v3/deviceEvents/handler HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      ),
    );
    expect(idle.got).toMatch(/^HTTP\/1\.1 200/);
    expect(idle.closedAfterMs).toBeLessThan(1_500);
  });

  it("does not cut an answer that is merely slow (longer than the idle timeout)", async () => {
    await t.admin("POST", "/faults", {
      pathPattern: "/handler$",
      method: "GET",
      kind: "latency",
      latencyMs: 1_200,
    });
    const started = Date.now();
    expect((await t.call("GET", "")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
  });

  it("has sensible defaults", async () => {
    const defaults = await testSandbox();
    try {
      const server = defaults.sandbox.app.server;
      expect({
        headersTimeout: server.headersTimeout,
        requestTimeout: server.requestTimeout,
        keepAliveTimeout: server.keepAliveTimeout,
        timeout: server.timeout,
      }).toEqual({
        headersTimeout: 10_000,
        requestTimeout: 30_000,
        keepAliveTimeout: 5_000,
        timeout: 10_000,
      });
    } finally {
      await defaults.sandbox.stop();
    }
  });
});

/**
 * A sandbox in a child process, to be killed with SIGKILL: the data file must hold every write that was
 * acknowledged. Started with ts-node from the sources, so no build is needed.
 */
async function childSandbox(dataFile: string, extra: Record<string, unknown> = {}) {
  const options = JSON.stringify({ port: 0, tokens: [token], dataFile, kafka: null, ...extra });
  const child = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      "-e",
      `require("./sandbox").startSandbox(${options}).then((s) => console.log("listening on " + s.url));`,
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /listening on (\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`sandbox child exited with ${code}`)));
  });
  return {
    url,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

async function createAt(url: string, domain: string, name: string): Promise<{ status: number; id?: string }> {
  const response = await fetch(
    `${url}/api/coiotedm/v3/deviceEvents/handler/webhook?domain=${encodeURIComponent(domain)}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(webhookBody({ name })),
    },
  );
  const text = await response.text();
  return { status: response.status, id: response.status === 201 ? (JSON.parse(text) as string) : undefined };
}

describe("the data file's journal", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-journal-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loses no acknowledged write when the sandbox is killed (SIGKILL) under load", async () => {
    const dataFile = path.join(dir, "crash.json");
    const child = await childSandbox(dataFile, { compactAfterChanges: 50 });
    const acknowledged: string[] = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const i = n++;
        try {
          const answer = await createAt(child.url, `/crash-${Math.floor(i / 10)}/`, `h-${i}`);
          if (answer.id) acknowledged.push(answer.id);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));
    await child.kill(); // with requests in flight, mid-journal and now and then mid-compaction
    stop = true;
    await Promise.all(workers);

    const after = await testSandbox({ dataFile });
    try {
      const stored = new Set((await after.admin("GET", "/handlers")).map((h: { id: string }) => h.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
      expect(mode(dataFile)).toBe(0o600);
      expect(mode(`${dataFile}.journal`)).toBe(0o600);
    } finally {
      await after.sandbox.stop();
    }
  });

  it("replays the journal over the snapshot: after a crash, after compactions, after a clean stop", async () => {
    const dataFile = path.join(dir, "replay.json");
    const child = await childSandbox(dataFile, { compactAfterChanges: 4 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await createAt(child.url, `/replay-${i % 2}/`, `h-${i}`)).id!);
    const api = async (method: string, suffix: string, body?: unknown) => {
      const response = await fetch(`${child.url}${suffix}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.text();
      return response.status;
    };
    const dm = "/api/coiotedm/v3/deviceEvents/handler";
    expect(await api("PUT", `${dm}/webhook/${ids[0]}`, { name: "renamed", enabled: false })).toBe(200);
    expect(await api("DELETE", `${dm}/${ids[1]}`)).toBe(204);
    expect(await api("DELETE", `${dm}/${ids[2]}`)).toBe(204);
    expect(
      await api("PUT", "/__sandbox/domains/replay-0/kafka", { properties: "bootstrap.servers=k:9092" }),
    ).toBe(200);
    expect(
      await api("PUT", "/__sandbox/domains/replay-1/kafka", { properties: "bootstrap.servers=j:9092" }),
    ).toBe(200);
    expect(await api("DELETE", "/__sandbox/domains/replay-1/kafka")).toBe(200);
    expect(await api("POST", `/__sandbox/handlers/${ids[3]}`, { description: "edited by hand" })).toBe(200);
    const last = (await createAt(child.url, "/replay-last/", "last")).id!; // after the last compaction
    const expected = (await (await fetch(`${child.url}/__sandbox/handlers`)).json()) as Array<{ id: string }>;
    await child.kill();

    // 21 changes; compaction runs after max(4, handlers stored) = 10 or so: the journal holds only the
    // changes since the last snapshot, and the snapshot the rest.
    const journalLines = readFileSync(`${dataFile}.journal`, "utf8").split("\n").filter(Boolean);
    expect(journalLines.length).toBeLessThanOrEqual(11);
    expect(journalLines.at(-1)).toContain(last);

    const kafkaBody = (domain: string) => ({
      type: "kafka",
      name: "k",
      enabled: true,
      filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
      connectionConfig: { type: "domainProperty", topic: "t" },
      domain,
    });
    const first = await testSandbox({ dataFile });
    try {
      expect(await first.admin("GET", "/handlers")).toEqual(expected);
      expect(expected.find((h) => h.id === ids[0])).toMatchObject({
        name: "renamed",
        enabled: false,
      });
      expect(expected.some((h) => h.id === ids[1])).toBe(false);
      // Domain Kafka properties came back too: set for replay-0, cleared for replay-1.
      expect((await first.call("POST", "/kafka", { body: kafkaBody("/replay-0/") })).status).toBe(201);
      expect(
        (await first.call("POST", "/kafka?domain=/replay-1/", { body: kafkaBody("/replay-1/") })).body,
      ).toMatchObject({
        code: 4003,
      });
    } finally {
      await first.sandbox.stop();
    }
    const second = await testSandbox({ dataFile }); // a clean stop, then a start
    try {
      const again = await second.admin("GET", "/handlers");
      // What the first restart replayed, plus the Kafka handler it created.
      expect(again.slice(0, expected.length)).toEqual(expected);
      expect(again).toHaveLength(expected.length + 1);
    } finally {
      await second.sandbox.stop();
    }
  });

  it("keeps a change made after stop (a delivery finishing during shutdown)", async () => {
    const dataFile = path.join(dir, "late.json");
    const first = await testSandbox({ dataFile });
    const { body: id } = await first.call("POST", "/webhook", { body: webhookBody() });
    await first.sandbox.stop();
    const stored = first.sandbox.store.get(id)!;
    first.sandbox.store.put({ ...stored, consecutiveFailures: 3 }); // as the dispatcher counts a failure
    const second = await testSandbox({ dataFile });
    try {
      expect(await second.admin("GET", "/handlers")).toEqual([
        expect.objectContaining({ id, consecutiveFailures: 3 }),
      ]);
    } finally {
      await second.sandbox.stop();
    }
  });

  it("ignores a half-written last record (never acknowledged) and refuses a damaged journal", async () => {
    const dataFile = path.join(dir, "torn.json");
    const first = await testSandbox({ dataFile });
    const { body: id } = await first.call("POST", "/webhook", { body: webhookBody() });
    await first.sandbox.stop();
    appendFileSync(`${dataFile}.journal`, '{"op":"delete","id":"' + id); // killed mid-write
    const second = await testSandbox({ dataFile });
    try {
      expect(await second.admin("GET", "/handlers")).toEqual([expect.objectContaining({ id })]);
    } finally {
      await second.sandbox.stop();
    }
    appendFileSync(`${dataFile}.journal`, 'garbage\n{"op":"reset"}\n');
    await expect(testSandbox({ dataFile })).rejects.toThrow(
      /torn\.json\.journal: line 1 is not a journal record/,
    );
  });
});
