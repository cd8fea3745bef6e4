import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HandlerState } from "../../provider/resources/eventHandler/model";
import { validateHandlerInputs } from "../../provider/resources/eventHandler/validate";
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
  const mode = (file: string) => statSync(file).mode & 0o777;

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
      /connectionConfig\.additionalHeaders\.X-Trace: the value of header "X-Trace" must not contain CR, LF or NUL/,
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
