import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KafkaProducerFactory, KafkaRecord } from "../../sandbox";
import { Receiver } from "../../testing";
import { HeldReceiver, testSandbox, type TestSandbox, webhookBody } from "./client";

/** Events injected into the sandbox really reach receivers, rendered as DM renders them. */
let t: TestSandbox;
let receiver: Receiver;
const kafkaSent: Array<{ properties: Record<string, string>; record: KafkaRecord }> = [];
// Stand-in producer (test/engine/kafka.test.ts produces to a real broker): here only what would be sent
// is checked.
const recordingKafka: KafkaProducerFactory = {
  async send(properties, record) {
    kafkaSent.push({ properties, record });
  },
};

beforeAll(async () => {
  t = await testSandbox({ kafka: recordingKafka, deliveryTimeoutMs: 30_000 });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await t.sandbox.stop();
});
beforeEach(async () => {
  await t.admin("POST", "/reset");
  receiver.requests.length = 0;
  kafkaSent.length = 0;
});

const telemetry = (url: string, value: string | number = 21.5) => ({
  domain: "/sandbox/",
  endpointName: "dev-1",
  url,
  value,
  timestamp: 1700000000123,
});

describe("webhook delivery", () => {
  it("sends the default generic JSON with the configured method, auth and rendered headers", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        connectionConfig: {
          uri: `${receiver.url}/generic`,
          method: "patch",
          auth: { type: "token", token: "tkn" },
          additionalHeaders: { "X-Device": "$endpointName", "X-Domain": "$domainName", "X-Url": "$url" },
        },
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
      }),
    });
    const result = await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700"));
    expect(result).toMatchObject({ events: 1, deliveries: 1 });
    const [request] = receiver.to("/generic");
    expect(request).toMatchObject({ method: "PATCH" });
    expect(request!.headers).toMatchObject({
      authorization: "Bearer tkn",
      "user-agent": "IoT-DM",
      "content-type": "application/json",
      "x-device": "dev-1",
      "x-domain": "sandbox",
      "x-url": "$url", // url, value and metadata are not available in headers
    });
    expect(JSON.parse(request!.body)).toEqual({
      version: "1.0",
      timestamp: 1700000000123,
      endpointName: "dev-1",
      domainId: "/sandbox/",
      url: "/3303/0/5700",
      value: "21.5",
    });
  });

  it("matches telemetry by path prefix and lifecycle by type, in the event's domain only", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        name: "t",
        connectionConfig: { uri: `${receiver.url}/t` },
        filter: { type: "telemetry", lwm2mUrls: ["/3303/0"] },
      }),
    });
    await t.call("POST", "/webhook", {
      body: webhookBody({
        name: "l",
        connectionConfig: { uri: `${receiver.url}/l` },
        filter: { type: "lifecycle", eventTypes: ["deviceDeleted"] },
      }),
    });
    await t.call("POST", "/webhook?domain=/other/", {
      body: webhookBody({
        name: "o",
        connectionConfig: { uri: `${receiver.url}/o` },
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
      }),
    });
    await t.admin("POST", "/events?wait=true", [
      telemetry("/3303/0/5700"),
      telemetry("/3303/1/5700"), // other instance: no match
      telemetry("/33030/0"), // a prefix of the digits, not of the path: no match
      {
        domain: "/sandbox/",
        endpointName: "dev-1",
        subtype: "deviceDeleted",
        metadata: { reason: "decommissioned" },
      },
      { domain: "/sandbox/", endpointName: "dev-1", subtype: "deviceCreated" },
    ]);
    expect(receiver.to("/t")).toHaveLength(1);
    expect(receiver.to("/l")).toHaveLength(1);
    expect(receiver.to("/o")).toHaveLength(0);
    expect(JSON.parse(receiver.to("/l")[0]!.body)).toMatchObject({
      subtype: "deviceDeleted",
      metadata: { reason: "decommissioned" },
    });
  });

  it("renders body templates by plain substitution and leaves unknown variables as written", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        connectionConfig: {
          uri: `${receiver.url}/tpl`,
          bodyTemplate: { contentType: "text", value: "$endpointName $url=$value $unknown $timestampX" },
        },
      }),
    });
    await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700", 7));
    const [request] = receiver.to("/tpl");
    expect(request!.body).toBe("dev-1 /3303/0/5700=7 $unknown 1700000000123X");
    expect(request!.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("writes InfluxDB line protocol for format influxDb", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        connectionConfig: {
          uri: `${receiver.url}/influx`,
          format: "influxDb",
          auth: { type: "customAuth", value: "Token abc" },
        },
      }),
    });
    await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700", 20));
    const [request] = receiver.to("/influx");
    expect(request!.body).toBe(
      'telemetryEvent,domain=/sandbox/,endpointName=dev-1,eventType="telemetry" /3303/0/5700=20 1700000000123',
    );
    expect(request!.headers).toMatchObject({ authorization: "Token abc", accept: "application/json" });
  });

  it("a slow receiver does not hold up other handlers, even with many events queued for it", async () => {
    // A receiver that holds every request until the test lets it go: no timing assumption anywhere.
    const held = await HeldReceiver.start();
    try {
      await t.call("POST", "/webhook", {
        body: webhookBody({ name: "slow", connectionConfig: { uri: `${held.url}/slow` } }),
      });
      await t.call("POST", "/webhook", {
        body: webhookBody({ name: "fast", connectionConfig: { uri: `${receiver.url}/fast` } }),
      });
      // More events than there are delivery slots: the slow handler may only take its own share of them.
      const events = Array.from({ length: 40 }, () => telemetry("/3303/0/5700"));
      expect(await t.admin("POST", "/events", events)).toEqual({ events: 40, deliveries: 80 });
      await expect.poll(() => receiver.to("/fast").length, { timeout: 20_000 }).toBe(40);
      expect(held.pending).toBeGreaterThan(0); // all 40 fast deliveries done while slow ones hang
      const log = (await t.admin("GET", "/deliveries")) as Array<{ handlerName: string }>;
      expect(log.filter((r) => r.handlerName === "fast")).toHaveLength(40);
      expect(log.filter((r) => r.handlerName === "slow")).toHaveLength(0);
      held.releaseAll(200);
      await expect
        .poll(async () => ((await t.admin("GET", "/deliveries")) as unknown[]).length, { timeout: 20_000 })
        .toBe(80);
    } finally {
      await held.stop();
    }
  });
});

describe("failures and tests", () => {
  it("switches a handler off after 5 consecutive failures; a successful test switches it back on", async () => {
    receiver.respondWith("/flaky", 500);
    const { body: id } = await t.call("POST", "/webhook", {
      body: webhookBody({ connectionConfig: { uri: `${receiver.url}/flaky` } }),
    });
    for (let i = 0; i < 4; i++) await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700"));
    expect((await t.call("GET", `/${id}`)).body).toMatchObject({ enabled: true, status: "active" });
    await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700"));
    expect((await t.call("GET", `/${id}`)).body).toMatchObject({ enabled: false, status: "failed" });
    expect((await t.call("POST", `/test/existing/${id}`)).body).toMatchObject({
      successful: false,
      message: expect.stringContaining("HTTP 500"),
    });
    receiver.respondWith("/flaky", 200);
    expect((await t.call("POST", `/test/existing/${id}`)).body).toMatchObject({ successful: true });
    expect((await t.call("GET", `/${id}`)).body).toMatchObject({ enabled: true, status: "active" });
  });

  it("allowFailures keeps a handler on", async () => {
    receiver.respondWith("/down", 503);
    const { body: id } = await t.call("POST", "/webhook", {
      body: webhookBody({ allowFailures: true, connectionConfig: { uri: `${receiver.url}/down` } }),
    });
    for (let i = 0; i < 6; i++) await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700"));
    expect((await t.call("GET", `/${id}`)).body).toMatchObject({ enabled: true });
  });

  it("tests a new configuration with a real test event from a test device, storing nothing", async () => {
    const answer = await t.call("POST", "/test/webhook", {
      body: webhookBody({ connectionConfig: { uri: `${receiver.url}/new` } }),
    });
    expect(answer.body).toMatchObject({ successful: true });
    const body = JSON.parse(receiver.to("/new")[0]!.body);
    expect(body.endpointName).toMatch(/^handler-test-device-[A-Za-z0-9]{10}$/);
    expect(body.url).toBe("/3303/0/5700");
    expect(await t.admin("GET", "/handlers")).toEqual([]);
  });
});

describe("Kafka delivery", () => {
  it("produces with key = endpoint name, rendered headers, and DM's two overrides appended", async () => {
    await t.call("POST", "/kafka", {
      body: {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: {
          type: "custom",
          topic: "telemetry",
          value: "bootstrap.servers=127.0.0.1:9092\nretries=5\nacks=all",
          headers: { device: "$endpointName" },
        },
      },
    });
    await t.admin("POST", "/events?wait=true", telemetry("/3303/0/5700"));
    expect(kafkaSent).toHaveLength(1);
    expect(kafkaSent[0]!.properties).toEqual({
      "bootstrap.servers": "127.0.0.1:9092",
      retries: "0",
      acks: "all",
      "max.block.ms": "8000",
    });
    expect(kafkaSent[0]!.record).toMatchObject({
      topic: "telemetry",
      key: "dev-1",
      headers: { device: "dev-1" },
    });
    expect(JSON.parse(kafkaSent[0]!.record.value)).toMatchObject({ endpointName: "dev-1", value: "21.5" });
  });

  it("domainProperty handlers use the domain's current properties", async () => {
    await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=first:9092" });
    await t.call("POST", "/kafka", {
      body: {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: { type: "domainProperty", topic: "life" },
      },
    });
    await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=second:9092" });
    await t.admin("POST", "/events?wait=true", {
      domain: "/sandbox/",
      endpointName: "d",
      subtype: "deviceCreated",
    });
    expect(kafkaSent[0]!.properties["bootstrap.servers"]).toBe("second:9092");
  });
});

describe("rendering, more cases", () => {
  const lifecycle = (subtype: string, metadata?: Record<string, unknown>) => ({
    domain: "/sandbox/",
    endpointName: "dev-9",
    subtype,
    ...(metadata ? { metadata } : {}),
    timestamp: 1700000000999,
  });

  it("basic auth, the default method POST, and the lifecycle default JSON with its metadata object", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        filter: { type: "lifecycle", eventTypes: ["deviceFirstRegistration"] },
        connectionConfig: {
          uri: `${receiver.url}/basic`,
          auth: { type: "basic", user: "ann", password: "s3c:ret" },
        },
      }),
    });
    await t.admin("POST", "/events?wait=true", lifecycle("deviceFirstRegistration", { firmware: "1.2" }));
    const [request] = receiver.to("/basic");
    expect(request!.method).toBe("POST");
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from("ann:s3c:ret").toString("base64")}`);
    expect(JSON.parse(request!.body)).toEqual({
      subtype: "deviceFirstRegistration",
      version: "1.0",
      timestamp: 1700000000999,
      endpointName: "dev-9",
      domainId: "/sandbox/",
      metadata: { firmware: "1.2" },
    });
    // The delivery log shows what was sent, never the credentials.
    const [record] = await t.admin("GET", "/deliveries");
    expect(record).toMatchObject({ ok: true, status: 204, target: `${receiver.url}/basic` });
    expect(JSON.stringify(record)).not.toContain("s3c:ret");
    expect(JSON.stringify(record)).not.toContain(Buffer.from("ann:s3c:ret").toString("base64"));
  });

  it("InfluxDB line protocol for lifecycle events (our choice of line)", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        filter: { type: "lifecycle", eventTypes: ["deviceDeleted"] },
        connectionConfig: { uri: `${receiver.url}/influx-life`, format: "influxDb", method: "put" },
      }),
    });
    await t.admin("POST", "/events?wait=true", lifecycle("deviceDeleted"));
    const [request] = receiver.to("/influx-life");
    expect(request!.method).toBe("PUT");
    expect(request!.body).toBe(
      'deviceEvent,domain=/sandbox/,endpointName=dev-9,eventType="deviceDeleted" value=1 1700000000999',
    );
    expect(request!.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("text templates render $metadata as k=v pairs, JSON templates as an object; longest names first", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({
        name: "text",
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: {
          uri: `${receiver.url}/text`,
          bodyTemplate: { contentType: "text", value: "$domainName|$domainId|$subtype|$metadata|$version" },
        },
      }),
    });
    await t.call("POST", "/webhook", {
      body: webhookBody({
        name: "json",
        filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
        connectionConfig: {
          uri: `${receiver.url}/json`,
          bodyTemplate: { contentType: "json", value: '{"m": $metadata, "who": "$endpointName"}' },
        },
      }),
    });
    await t.admin("POST", "/events?wait=true", {
      ...lifecycle("deviceCreated", { a: 1, b: "x" }),
      domain: "/sandbox/",
    });
    expect(receiver.to("/text")[0]!.body).toBe("sandbox|/sandbox/|deviceCreated|a=1,b=x|1.0");
    expect(JSON.parse(receiver.to("/json")[0]!.body)).toEqual({ m: { a: 1, b: "x" }, who: "dev-9" });
    expect(receiver.to("/json")[0]!.headers["content-type"]).toBe("application/json");
  });

  it("disabled handlers and handlers of other domains get nothing; the answer counts deliveries", async () => {
    await t.call("POST", "/webhook", {
      body: webhookBody({ enabled: false, connectionConfig: { uri: `${receiver.url}/off` } }),
    });
    await t.call("POST", "/webhook?domain=/sandbox/child/", {
      body: webhookBody({ connectionConfig: { uri: `${receiver.url}/child` } }),
    });
    expect(await t.admin("POST", "/events", telemetry("/3303/0/5700"))).toEqual({ events: 1, deliveries: 0 });
    expect(
      await t.admin("POST", "/events?wait=true", { ...telemetry("/3303/0/5700"), domain: "/sandbox/child/" }),
    ).toMatchObject({ events: 1, deliveries: 1, results: [{ ok: true, status: 204 }] });
    expect(receiver.to("/off")).toHaveLength(0);
  });

  it("an unreachable receiver: the test answers successful false with the reason, still 200", async () => {
    const answer = await t.call("POST", "/test/webhook", {
      body: webhookBody({ connectionConfig: { uri: "http://127.0.0.1:9/nothing-listens" } }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      successful: false,
      message: expect.stringContaining("could not reach http://127.0.0.1:9/nothing-listens"),
    });
  });

  it("refuses malformed injected events with 4000 and delivers nothing", async () => {
    const response = await fetch(`${t.sandbox.url}/__sandbox/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        telemetry("/3303/0/5700"),
        { domain: "/sandbox/", endpointName: "d", url: "temp" },
      ]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 4000 });
    expect(await t.admin("GET", "/deliveries")).toEqual([]);
  });
});
