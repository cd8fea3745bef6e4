import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventHandlerListSchema,
  eventHandlerSchema,
  handlerTestResultSchema,
  loginResponseSchema,
} from "../../provider/schemas";
import { present } from "../../sandbox/present";
import type { StoredHandler } from "../../sandbox/store";
import { testSandbox, type TestSandbox, webhookBody } from "./client";

/**
 * The sandbox's answers are typed by the shared schemas (sandbox/present.ts returns an EventHandler), and
 * here parsed with them: every handler shape, masked and in clear, through every route that shows one.
 * test/support/sandboxAnswers.ts checks the handlers of every other in-process test the same way.
 */
const filter = { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] };
const shapes: Array<[string, Record<string, unknown>]> = [
  ["webhook, basic auth", webhookBody()],
  [
    "webhook, token auth, headers, template, password in the uri",
    webhookBody({
      description: "all fields",
      allowFailures: true,
      connectionConfig: {
        uri: "http://user:uri-secret@127.0.0.1:9/hook",
        method: "put",
        format: "generic",
        auth: { type: "token", token: "t-secret" },
        additionalHeaders: { "X-Id": "$endpointName" },
        bodyTemplate: { contentType: "json", value: '{"v":"$value"}' },
      },
    }),
  ],
  [
    "webhook, customAuth, lifecycle, off",
    webhookBody({
      enabled: false,
      filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
      connectionConfig: {
        uri: "https://x.test/w",
        format: "influxDb",
        auth: { type: "customAuth", value: "Token v" },
      },
    }),
  ],
  ["webhook, no auth", webhookBody({ connectionConfig: { uri: "http://127.0.0.1:9/hook", auth: null } })],
  [
    "kafka, custom",
    {
      type: "kafka",
      name: "k",
      enabled: true,
      filter,
      connectionConfig: {
        type: "custom",
        topic: "t",
        value: "bootstrap.servers=127.0.0.1:9092\nsasl.jaas.config=secret",
        headers: { h: "$endpointName" },
      },
    },
  ],
  [
    "kafka, domain properties",
    {
      type: "kafka",
      name: "d",
      enabled: true,
      filter,
      connectionConfig: { type: "domainProperty", topic: "t" },
    },
  ],
];

for (const masking of [true, false]) {
  describe(`every answer parses with the shared schemas (masking ${masking ? "on" : "off"})`, () => {
    let t: TestSandbox;
    beforeAll(async () => {
      t = await testSandbox({
        masking,
        users: [{ username: "ops", password: "ops-pw", domain: "/sandbox/" }],
      });
      await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=127.0.0.1:9092" });
    });
    afterAll(() => t.sandbox.stop());

    it.each(shapes)("%s: GET, list, PUT, the admin API and the tests", async (_label, body) => {
      await t.admin("POST", "/reset");
      await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=127.0.0.1:9092" });
      const kind = body.type as string;
      const created = await t.call("POST", `/${kind}?domain=/sandbox/`, { body });
      expect(created.status).toBe(201);
      const id = created.body as string;
      const got = await t.call("GET", `/${id}`);
      expect(eventHandlerSchema.parse(got.body)).toMatchObject({ id, type: kind, domain: "/sandbox/" });
      expect(eventHandlerListSchema.parse((await t.call("GET", "?domain=/sandbox/")).body)).toHaveLength(1);
      const put = await t.call("PUT", `/${kind}/${id}`, { body: { name: "renamed" } });
      expect(put.status).toBe(200);
      expect(eventHandlerSchema.parse(put.body).name).toBe("renamed");
      // Writing back exactly what a GET returned is accepted, masks and all.
      const {
        id: _id,
        type: _type,
        domain: _domain,
        status: _status,
        createdAt: _at,
        ...writable
      } = got.body;
      expect(
        eventHandlerSchema.parse((await t.call("PUT", `/${kind}/${id}`, { body: writable })).body).id,
      ).toBe(id);
      for (const listed of await t.admin("GET", "/handlers")) eventHandlerSchema.parse(listed);
      const tested = await t.call("POST", `/test/existing/${id}`);
      expect(handlerTestResultSchema.parse(tested.body).successful).toBe(false); // nothing listens there
      const testedNew = await t.call("POST", `/test/${kind}?domain=/sandbox/`, { body });
      expect(handlerTestResultSchema.safeParse(testedNew.body).success).toBe(true);
    });

    it("the login answer parses with loginResponseSchema", async () => {
      const login = await fetch(`${t.sandbox.url}/api/auth/oauth_password`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=password&username=ops&password=ops-pw",
      });
      expect(login.status).toBe(201);
      expect(loginResponseSchema.parse(await login.json()).token_type).toBe("Bearer");
    });
  });
}

it("the check of every in-process answer is on: a handler the schema refuses fails its request", () => {
  const broken = {
    id: "not-an-id",
    type: "webhook",
    connectionConfig: {},
    filter,
  } as unknown as StoredHandler;
  expect(() => present(broken, true)).toThrow(/eventHandlerSchema refuses/);
});
