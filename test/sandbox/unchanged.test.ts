import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testSandbox, type TestSandbox, webhookBody } from "./client";

/**
 * Every refused request, on every endpoint, gets the documented code and leaves the sandbox exactly as it
 * was: the stored handlers (unmasked, with their bookkeeping) are compared before and after.
 */
let t: TestSandbox;
let webhookId: string;
let kafkaId: string;
let tenantToken: string;

const kafkaBody = {
  type: "kafka",
  name: "k",
  enabled: true,
  filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
  connectionConfig: { type: "custom", topic: "t", value: "bootstrap.servers=127.0.0.1:9092" },
};

beforeAll(async () => {
  t = await testSandbox({ restrictInternal: true });
});
afterAll(() => t.sandbox.stop());
beforeEach(async () => {
  await t.admin("POST", "/reset");
  // Public addresses: this sandbox refuses internal targets (4005/4006). Nothing is delivered here.
  webhookId = (
    await t.call("POST", "/webhook", {
      body: webhookBody({
        description: "kept",
        connectionConfig: {
          uri: "http://203.0.113.7/hook",
          auth: { type: "basic", user: "u", password: "pw-secret" },
        },
      }),
    })
  ).body;
  kafkaId = (
    await t.call("POST", "/kafka", {
      body: {
        ...kafkaBody,
        connectionConfig: { ...kafkaBody.connectionConfig, value: "bootstrap.servers=203.0.113.8:9092" },
      },
    })
  ).body;
  tenantToken = (await t.admin("POST", "/tokens", { domain: "/tenant/" })).access_token;
  expect(webhookId).toMatch(/^[0-9a-f]{24}$/);
  expect(kafkaId).toMatch(/^[0-9a-f]{24}$/);
});

const snapshot = () => t.admin("GET", "/handlers");

interface BadRequest {
  method: string;
  path: (ids: { webhookId: string; kafkaId: string }) => string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  token?: () => string | null;
  status: number;
  code: number;
}

const publicWebhook = (connectionConfig: Record<string, unknown>) =>
  webhookBody({ connectionConfig: { uri: "http://203.0.113.7/hook", ...connectionConfig } });

const cases: Array<[string, BadRequest]> = [
  // create
  ["create: malformed JSON", { method: "POST", path: () => "/webhook", raw: "{", status: 400, code: 4000 }],
  [
    "create: empty JSON body",
    {
      method: "POST",
      path: () => "/webhook",
      raw: "",
      contentType: "application/json",
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: not JSON at all",
    {
      method: "POST",
      path: () => "/webhook",
      raw: "name=x",
      contentType: "text/plain",
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: a number where a string belongs",
    { method: "POST", path: () => "/webhook", body: webhookBody({ name: 42 }), status: 400, code: 4000 },
  ],
  [
    "create: unknown method",
    {
      method: "POST",
      path: () => "/webhook",
      body: publicWebhook({ method: "get" }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: unknown auth type",
    {
      method: "POST",
      path: () => "/webhook",
      body: publicWebhook({ auth: { type: "oauth", token: "x" } }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: unknown Kafka connection type",
    {
      method: "POST",
      path: () => "/kafka",
      body: { ...kafkaBody, connectionConfig: { type: "raw", topic: "t", value: "bootstrap.servers=x:1" } },
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: Kafka properties without bootstrap.servers",
    {
      method: "POST",
      path: () => "/kafka",
      body: { ...kafkaBody, connectionConfig: { type: "custom", topic: "t", value: "acks=all" } },
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: an unknown top-level field",
    { method: "POST", path: () => "/webhook", body: webhookBody({ colour: "red" }), status: 400, code: 4000 },
  ],
  [
    "create: empty lwm2mUrls",
    {
      method: "POST",
      path: () => "/webhook",
      body: webhookBody({ filter: { type: "telemetry", lwm2mUrls: [] } }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: five-level LwM2M path",
    {
      method: "POST",
      path: () => "/webhook",
      body: webhookBody({ filter: { type: "telemetry", lwm2mUrls: ["/1/2/3/4/5"] } }),
      status: 400,
      code: 4003,
    },
  ],
  [
    "create: 21 custom headers",
    {
      method: "POST",
      path: () => "/webhook",
      body: publicWebhook({
        additionalHeaders: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, "v"])),
      }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: JSON template that is not JSON",
    {
      method: "POST",
      path: () => "/webhook",
      body: publicWebhook({ bodyTemplate: { contentType: "json", value: '{"v": $value' } }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "create: loopback webhook target (restricted)",
    {
      method: "POST",
      path: () => "/webhook",
      body: webhookBody({ connectionConfig: { uri: "http://127.0.0.1:8086/write" } }),
      status: 400,
      code: 4005,
    },
  ],
  [
    "create: private bootstrap server (restricted)",
    {
      method: "POST",
      path: () => "/kafka",
      body: {
        ...kafkaBody,
        connectionConfig: { type: "custom", topic: "t", value: "bootstrap.servers=10.1.2.3:9092" },
      },
      status: 400,
      code: 4006,
    },
  ],
  [
    "create: outside the caller's domain",
    {
      method: "POST",
      path: () => "/webhook?domain=/other/",
      body: publicWebhook({}),
      token: () => tenantToken,
      status: 404,
      code: 4041,
    },
  ],
  [
    "create: no token",
    {
      method: "POST",
      path: () => "/webhook",
      body: publicWebhook({}),
      token: () => null,
      status: 401,
      code: 4010,
    },
  ],
  [
    "create: no token and malformed JSON (authentication comes first)",
    { method: "POST", path: () => "/webhook", raw: "{", token: () => null, status: 401, code: 4010 },
  ],
  // update
  [
    "update: malformed JSON",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      raw: '{"name":',
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: wrong type of enabled",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { enabled: "no" },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: unknown format",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { connectionConfig: { uri: "http://203.0.113.7/x", format: "csv" } },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: bad LwM2M path",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { filter: { type: "telemetry", lwm2mUrls: ["/a"] } },
      status: 400,
      code: 4003,
    },
  ],
  [
    "update: changing the domain",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { domain: "/x/" },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: changing the type",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { type: "kafka" },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: a webhook through the kafka path",
    {
      method: "PUT",
      path: ({ webhookId }) => `/kafka/${webhookId}`,
      body: { name: "x" },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: a mask where no secret of that kind is stored",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { connectionConfig: { uri: "http://203.0.113.7/x", auth: { type: "token", token: "********" } } },
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: oversize body",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      raw: JSON.stringify({ description: "x".repeat(70_000) }),
      status: 400,
      code: 4000,
    },
  ],
  [
    "update: to a restricted target",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { connectionConfig: { uri: "http://192.168.1.1/x" } },
      status: 400,
      code: 4005,
    },
  ],
  [
    "update: id of the wrong shape",
    { method: "PUT", path: () => "/webhook/not-an-id", body: { name: "x" }, status: 400, code: 4002 },
  ],
  [
    "update: unknown id",
    { method: "PUT", path: () => `/webhook/${"0".repeat(24)}`, body: { name: "x" }, status: 404, code: 4040 },
  ],
  [
    "update: a handler outside the caller's domain",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { name: "x" },
      token: () => tenantToken,
      status: 404,
      code: 4040,
    },
  ],
  [
    "update: unknown token",
    {
      method: "PUT",
      path: ({ webhookId }) => `/webhook/${webhookId}`,
      body: { name: "x" },
      token: () => "forged",
      status: 401,
      code: 4010,
    },
  ],
  // delete
  ["delete: id of the wrong shape", { method: "DELETE", path: () => "/123", status: 400, code: 4002 }],
  [
    "delete: upper-case hex id",
    { method: "DELETE", path: ({ webhookId }) => `/${webhookId.toUpperCase()}`, status: 400, code: 4002 },
  ],
  [
    "delete: a handler outside the caller's domain",
    {
      method: "DELETE",
      path: ({ kafkaId }) => `/${kafkaId}`,
      token: () => tenantToken,
      status: 404,
      code: 4040,
    },
  ],
  [
    "delete: no token",
    { method: "DELETE", path: ({ kafkaId }) => `/${kafkaId}`, token: () => null, status: 401, code: 4010 },
  ],
  // tests and reads
  [
    "test existing: id of the wrong shape",
    { method: "POST", path: () => "/test/existing/zz", status: 400, code: 4002 },
  ],
  [
    "test new webhook: unknown enum",
    {
      method: "POST",
      path: () => "/test/webhook",
      body: webhookBody({ filter: { type: "alertRule", rules: [] } }),
      status: 400,
      code: 4000,
    },
  ],
  ["list: malformed domain", { method: "GET", path: () => "?domain=a//b", status: 400, code: 4000 }],
  [
    "list: outside the caller's domain",
    { method: "GET", path: () => "?domain=/sandbox/", token: () => tenantToken, status: 404, code: 4041 },
  ],
];

describe("refused requests change nothing", () => {
  it.each(cases)("%s", async (_label, bad) => {
    const before = await snapshot();
    expect(before).toHaveLength(2);
    const answer = await t.call(bad.method, bad.path({ webhookId, kafkaId }), {
      body: bad.body,
      raw: bad.raw,
      contentType: bad.contentType,
      ...(bad.token ? { token: bad.token() } : {}),
    });
    expect(answer).toMatchObject({
      status: bad.status,
      body: { code: bad.code, message: expect.any(String) },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("an expired token gets 401 and changes nothing", async () => {
    const { access_token } = await t.admin("POST", "/tokens", { domain: "/sandbox/", ttlSeconds: 0.2 });
    expect((await t.call("GET", "", { token: access_token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await snapshot();
    for (const [method, path] of [
      ["DELETE", `/${webhookId}`],
      ["PUT", `/webhook/${webhookId}`],
      ["POST", "/webhook"],
    ] as const) {
      const answer = await t.call(method, path, {
        token: access_token,
        ...(method === "DELETE" ? {} : { body: method === "PUT" ? { name: "x" } : publicWebhook({}) }),
      });
      expect(answer).toMatchObject({
        status: 401,
        body: { code: 4010, message: expect.stringMatching(/expired|invalid/) },
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("the messages name the property and the reason", async () => {
    const answer = await t.call("POST", "/webhook", {
      body: webhookBody({ filter: { type: "telemetry", lwm2mUrls: ["/3303", "/x"] } }),
    });
    expect(answer.body.message).toMatch(/filter\.lwm2mUrls\[1\]: must be a numeric LwM2M path/);
    const headers = await t.call("POST", "/webhook", {
      body: publicWebhook({ additionalHeaders: { Authorization: "Token t" } }),
    });
    expect(headers.body.message).toMatch(
      /connectionConfig\.additionalHeaders\.Authorization: "Authorization" is reserved.*connectionConfig\.auth/,
    );
  });
});
