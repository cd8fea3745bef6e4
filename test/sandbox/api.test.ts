import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testSandbox, type TestSandbox, webhookBody } from "./client";

/** The DM handler API rules the sandbox must follow (docs/dm-contract.md), each checked over real HTTP. */
let t: TestSandbox;
beforeAll(async () => {
  t = await testSandbox({
    users: [{ username: "ops", password: "ops-pw", domain: "/tenant/" }],
    serviceAccounts: [{ clientId: "ci", clientSecret: "ci-secret", domain: "/tenant/ci/" }],
    tokenTtlSeconds: 1,
  });
});
afterAll(() => t.sandbox.stop());
beforeEach(() => t.admin("POST", "/reset"));

const stored = async () => (await t.admin("GET", "/handlers")) as Array<Record<string, unknown>>;

describe("create, read, update, delete", () => {
  it("creates with 201 and the id as a JSON string, in the query's domain", async () => {
    const created = await t.call("POST", "/webhook?domain=/sandbox/a/", { body: webhookBody() });
    expect(created.status).toBe(201);
    expect(created.body).toMatch(/^[0-9a-f]{24}$/);
    const got = await t.call("GET", `/${created.body}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: created.body,
      domain: "/sandbox/a/",
      status: "active",
      name: "rules",
    });
  });

  it("defaults to the caller's domain and lists by domain", async () => {
    await t.call("POST", "/webhook", { body: webhookBody() });
    await t.call("POST", "/webhook?domain=/other/", { body: webhookBody({ name: "elsewhere" }) });
    const listed = await t.call("GET", "");
    expect(listed.body.map((h: { name: string }) => h.name)).toEqual(["rules"]);
    expect((await t.call("GET", "?domain=/other/")).body.map((h: { name: string }) => h.name)).toEqual([
      "elsewhere",
    ]);
  });

  it("masks secrets on every read and on PUT answers", async () => {
    const { body: id } = await t.call("POST", "/webhook", { body: webhookBody() });
    expect((await t.call("GET", `/${id}`)).body.connectionConfig.auth.password).toBe("********");
    expect((await t.call("GET", "")).body[0].connectionConfig.auth.password).toBe("********");
    const put = await t.call("PUT", `/webhook/${id}`, { body: { name: "renamed" } });
    expect(put.body.connectionConfig.auth.password).toBe("********");
    expect((await stored())[0]!.connectionConfig).toMatchObject({ auth: { password: "pw-secret" } });
  });

  it("updates partially: null and absent fields stay, connectionConfig is replaced whole, a mask keeps the secret", async () => {
    const { body: id } = await t.call("POST", "/webhook", {
      body: webhookBody({
        description: "d",
        connectionConfig: {
          uri: "http://127.0.0.1:9/a",
          method: "put",
          auth: { type: "basic", user: "u", password: "pw-secret" },
        },
      }),
    });
    const put = await t.call("PUT", `/webhook/${id}`, {
      body: {
        name: null,
        description: "new",
        connectionConfig: {
          uri: "http://127.0.0.1:9/b",
          auth: { type: "basic", user: "u", password: "********" },
        },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "rules", description: "new" });
    const [handler] = await stored();
    expect(handler!.connectionConfig).toEqual({
      uri: "http://127.0.0.1:9/b",
      auth: { type: "basic", user: "u", password: "pw-secret" },
    });
  });

  it("refuses to change type or domain through PUT", async () => {
    const { body: id } = await t.call("POST", "/webhook", { body: webhookBody() });
    expect((await t.call("PUT", `/kafka/${id}`, { body: { name: "x" } })).body.code).toBe(4000);
    expect((await t.call("PUT", `/webhook/${id}`, { body: { domain: "/elsewhere/" } })).body.code).toBe(4000);
    expect((await stored())[0]).toMatchObject({ name: "rules", domain: "/sandbox/" });
  });

  it("deletes with 204, then 404 with code 4040", async () => {
    const { body: id } = await t.call("POST", "/webhook", { body: webhookBody() });
    expect((await t.call("DELETE", `/${id}`)).status).toBe(204);
    expect(await t.call("DELETE", `/${id}`)).toMatchObject({ status: 404, body: { code: 4040 } });
    expect(await t.call("GET", `/${id}`)).toMatchObject({ status: 404, body: { code: 4040 } });
  });

  it("accepts both spellings of Kafka domain properties and returns what was sent", async () => {
    await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=127.0.0.1:9092" });
    const kafka = (type: string) => ({
      type: "kafka",
      name: type,
      enabled: true,
      filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
      connectionConfig: { type, topic: "t" },
    });
    for (const type of ["domainProperty", "domainProperties"]) {
      const { body: id, status } = await t.call("POST", "/kafka", { body: kafka(type) });
      expect(status).toBe(201);
      expect((await t.call("GET", `/${id}`)).body.connectionConfig.type).toBe(type);
    }
  });
});

describe("rules and limits", () => {
  it("allows 10 handlers per domain; the 11th gets 4004 and nothing changes", async () => {
    for (let i = 0; i < 10; i++)
      expect((await t.call("POST", "/webhook", { body: webhookBody({ name: `h${i}` }) })).status).toBe(201);
    expect(await t.call("POST", "/webhook", { body: webhookBody({ name: "h10" }) })).toMatchObject({
      status: 400,
      body: { code: 4004 },
    });
    expect(await stored()).toHaveLength(10);
    expect((await t.call("POST", "/webhook?domain=/sandbox/sub/", { body: webhookBody() })).status).toBe(201);
  });

  it("a domainProperty handler needs Kafka properties in its domain (4003)", async () => {
    const body = {
      type: "kafka",
      name: "k",
      enabled: true,
      filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
      connectionConfig: { type: "domainProperty", topic: "t" },
    };
    expect((await t.call("POST", "/kafka", { body })).body.code).toBe(4003);
    await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=127.0.0.1:9092" });
    expect((await t.call("POST", "/kafka?domain=/sandbox/child/", { body })).status).toBe(201); // inherited
  });
});

describe("bad input gets the documented code and changes nothing", () => {
  const cases: Array<
    [string, { raw?: string; body?: unknown; path?: string; contentType?: string }, number, number]
  > = [
    ["malformed JSON", { raw: '{"type": "webhook",' }, 400, 4000],
    ["wrong type of a field", { body: webhookBody({ enabled: "yes" }) }, 400, 4000],
    [
      "unknown enum value",
      { body: webhookBody({ filter: { type: "lifecycle", eventTypes: ["deviceExploded"] } }) },
      400,
      4000,
    ],
    [
      "unknown filter type",
      { body: webhookBody({ filter: { type: "dataModel", lwm2mUrls: ["/1"] } }) },
      400,
      4000,
    ],
    [
      "malformed LwM2M path",
      { body: webhookBody({ filter: { type: "telemetry", lwm2mUrls: ["3303/a"] } }) },
      400,
      4003,
    ],
    [
      "Authorization as a custom header",
      {
        body: webhookBody({
          connectionConfig: { uri: "http://x.test", additionalHeaders: { Authorization: "Token t" } },
        }),
      },
      400,
      4000,
    ],
    ["type not matching the endpoint", { body: webhookBody(), path: "/kafka" }, 400, 4000],
    ["oversize body", { raw: JSON.stringify(webhookBody({ description: "x".repeat(70_000) })) }, 400, 4000],
    [
      "oversize template",
      {
        body: webhookBody({
          connectionConfig: {
            uri: "http://x.test",
            bodyTemplate: { contentType: "text", value: "x".repeat(501) },
          },
        }),
      },
      400,
      4000,
    ],
    ["unknown domain for the caller", { body: webhookBody(), path: "/webhook?domain=bad//x" }, 400, 4000],
  ];
  it.each(cases)("%s", async (_label, request, status, code) => {
    const answer = await t.call("POST", request.path ?? "/webhook", {
      body: request.body,
      raw: request.raw,
      contentType: request.contentType,
    });
    expect(answer).toMatchObject({ status, body: { code, message: expect.any(String) } });
    expect(await stored()).toEqual([]);
  });

  it("ids of the wrong shape get 4002", async () => {
    for (const [method, path] of [
      ["GET", "/abc"],
      ["DELETE", "/ABCDEF0123456789abcdef01"],
      ["PUT", "/webhook/123"],
      ["POST", "/test/existing/xyz"],
    ] as const) {
      expect(await t.call(method, path, method === "PUT" ? { body: {} } : {})).toMatchObject({
        status: 400,
        body: { code: 4002 },
      });
    }
  });

  it("a missing or unknown token gets 401 and changes nothing", async () => {
    expect(await t.call("POST", "/webhook", { body: webhookBody(), token: null })).toMatchObject({
      status: 401,
      body: { code: 4010 },
    });
    expect(await t.call("GET", "", { token: "nope" })).toMatchObject({ status: 401, body: { code: 4010 } });
    expect(await stored()).toEqual([]);
  });
});

describe("login by password grant", () => {
  async function login(password = "ops-pw") {
    const response = await fetch(`${t.sandbox.url}/api/auth/oauth_password`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "ops", password }).toString(),
    });
    return {
      status: response.status,
      body: (await response.json()) as { access_token: string; expires_in: string },
    };
  }

  it("issues a token (201) that acts in the user's domain and expires", async () => {
    const { status, body } = await login();
    expect(status).toBe(201);
    expect(body.expires_in).toBe("1");
    const created = await t.call("POST", "/webhook", { body: webhookBody(), token: body.access_token });
    expect(created.status).toBe(201);
    expect((await stored())[0]).toMatchObject({ domain: "/tenant/" });
    // the user cannot see outside its domain
    expect(await t.call("GET", "?domain=/sandbox/", { token: body.access_token })).toMatchObject({
      status: 404,
      body: { code: 4041 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await t.call("GET", "", { token: body.access_token })).toMatchObject({
      status: 401,
      body: { code: 4010, message: "token expired" },
    });
  });

  it("refuses a wrong password", async () => {
    expect((await login("wrong")).status).toBe(401);
  });

  it("grants service accounts through Keycloak's client_credentials (200), bound to their domain", async () => {
    const form = (fields: Record<string, string>) =>
      fetch(`${t.sandbox.url}/iam/realms/coiote-cloud/protocol/openid-connect/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    const granted = await form({
      grant_type: "client_credentials",
      client_id: "ci",
      client_secret: "ci-secret",
    });
    expect(granted.status).toBe(200);
    const { access_token } = (await granted.json()) as { access_token: string };
    expect(
      (
        await t.call("POST", "/webhook?domain=/tenant/ci/staging/", {
          body: webhookBody(),
          token: access_token,
        })
      ).status,
    ).toBe(201);
    expect(await t.call("GET", "?domain=/tenant/", { token: access_token })).toMatchObject({
      status: 404,
      body: { code: 4041 },
    });
    expect(
      (await form({ grant_type: "client_credentials", client_id: "ci", client_secret: "no" })).status,
    ).toBe(401);
    expect((await form({ grant_type: "password", client_id: "ci", client_secret: "ci-secret" })).status).toBe(
      400,
    );
  });

  it("refuses a wrong grant_type, and accepts none (the SDK sends none)", async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${t.sandbox.url}/api/auth/oauth_password`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    expect(
      (await post({ grant_type: "client_credentials", username: "ops", password: "ops-pw" })).status,
    ).toBe(400);
    expect((await post({ username: "ops", password: "ops-pw" })).status).toBe(201);
  });
});

describe("domains", () => {
  it("a token sees its domain and every subdomain; a static token reaches every domain", async () => {
    const { access_token } = await t.admin("POST", "/tokens", { domain: "/acme/" });
    const asAcme = { token: access_token };
    expect((await t.call("POST", "/webhook", { body: webhookBody(), ...asAcme })).status).toBe(201);
    expect(
      (await t.call("POST", "/webhook?domain=/acme/plant-1/", { body: webhookBody(), ...asAcme })).status,
    ).toBe(201);
    expect((await t.call("GET", "?domain=/acmex/", asAcme)).body).toMatchObject({ code: 4041 });
    // The list shows exactly the domain asked for, no subdomains.
    expect((await t.call("GET", "", asAcme)).body).toHaveLength(1);
    expect((await t.call("GET", "?domain=acme/plant-1", asAcme)).body).toHaveLength(1);
    expect((await t.call("GET", "?domain=/acme/plant-1/")).body).toHaveLength(1);
  });
});
