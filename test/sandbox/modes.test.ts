import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectiveProducerProperties, parseProperties } from "../../sandbox";
import { Receiver } from "../../testing";
import { testSandbox, type TestSandbox, webhookBody } from "./client";

/** The switches (strict, masking, Kafka producer) and the examples of DM's own guide. */
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(() => receiver.stop());

async function withSandbox(
  options: Parameters<typeof testSandbox>[0],
  body: (t: TestSandbox) => Promise<void>,
): Promise<void> {
  const t = await testSandbox(options);
  try {
    await body(t);
  } finally {
    await t.sandbox.stop();
  }
}

const domainPropertiesHandler = (type: string) => ({
  type: "kafka",
  name: "Domain Kafka event handler",
  enabled: true,
  connectionConfig: { type, topic: "coiote.deviceEvents", headers: { Origin: "Coiote-DM" } },
  filter: { type: "lifecycle", eventTypes: ["deviceCreated"] },
  description: "This handler forwards data to kafka-cloud.com",
});

describe('DM\'s guide "Send data outside application", request bodies as published', () => {
  it("accepts the Kafka examples (domainProperties with an Origin header, custom SASL properties)", async () => {
    await withSandbox({ kafka: null }, async (t) => {
      await t.admin("PUT", "/domains/sandbox/kafka", {
        properties: "bootstrap.servers=kafka-cloud.com:9093",
      });
      const domain = await t.call("POST", "/kafka", { body: domainPropertiesHandler("domainProperties") });
      expect(domain.status).toBe(201);
      const custom = await t.call("POST", "/kafka", {
        body: {
          ...domainPropertiesHandler("custom"),
          name: "Custom Kafka event handler",
          connectionConfig: {
            type: "custom",
            value:
              'bootstrap.servers=kafka-cloud.com:9093\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-user" password="pass";',
            topic: "iot.deviceEvents",
            headers: { Origin: "IoT DM" },
          },
        },
      });
      expect(custom.status).toBe(201);
      const read = await t.call("GET", `/${custom.body}`);
      expect(read.body.connectionConfig).toMatchObject({
        type: "custom",
        value: "********",
        headers: { Origin: "IoT DM" },
      });
    });
  });

  // Authorization belongs in connectionConfig.auth (docs/dm-contract.md § 2).
  it("refuses the guide's InfluxDB cURL, which sets Authorization through additionalHeaders", async () => {
    await withSandbox({}, async (t) => {
      const answer = await t.call("POST", "/webhook", {
        body: {
          type: "webhook",
          name: "Influx event handler",
          enabled: true,
          connectionConfig: {
            method: "post",
            format: "influxDb",
            additionalHeaders: { Authorization: "Token <enter your token>" },
            uri: "https://eu-central-1-1.aws.cloud2.influxdata.com/api/v2/write?bucket=<enter bucket ID>",
            auth: null,
          },
          filter: { type: "telemetry", lwm2mUrls: ["/6/0/0"] },
          description: "This handler forwards location data to InfluxDB Cloud",
        },
      });
      expect(answer).toMatchObject({ status: 400, body: { code: 4000 } });
    });
  });
});

describe("--strict", () => {
  it("refuses the plural domainProperties and reserved header names; without it both are accepted", async () => {
    const reservedHeader = webhookBody({
      connectionConfig: { uri: `${receiver.url}/reserved`, additionalHeaders: { Origin: "x", "X-Ok": "y" } },
    });
    await withSandbox({ strict: true, kafka: null }, async (t) => {
      await t.admin("PUT", "/domains/sandbox/kafka", { properties: "bootstrap.servers=k:9092" });
      expect(
        (await t.call("POST", "/kafka", { body: domainPropertiesHandler("domainProperties") })).body,
      ).toMatchObject({
        code: 4000,
        message: expect.stringContaining("domainProperty"),
      });
      expect(
        (await t.call("POST", "/kafka", { body: domainPropertiesHandler("domainProperty") })).status,
      ).toBe(201);
      expect((await t.call("POST", "/webhook", { body: reservedHeader })).body).toMatchObject({
        code: 4000,
        message: expect.stringContaining('"Origin" is reserved'),
      });
    });
    await withSandbox({}, async (t) => {
      const { status, body: id } = await t.call("POST", "/webhook", { body: reservedHeader });
      expect(status).toBe(201);
      expect((await t.call("GET", `/${id}`)).body.connectionConfig.additionalHeaders).toEqual({
        Origin: "x",
        "X-Ok": "y",
      });
      // Stored and returned, never sent: DM sets those headers itself.
      await t.admin("POST", "/events?wait=true", {
        domain: "/sandbox/",
        endpointName: "d",
        url: "/3303/0/5700",
        value: 1,
      });
      const [request] = receiver.to("/reserved");
      expect(request!.headers).toMatchObject({ "x-ok": "y" });
      expect(request!.headers.origin).toBeUndefined();
    });
  });
});

describe("masking", () => {
  it("--no-masking returns every secret in clear", async () => {
    await withSandbox({ masking: false, kafka: null }, async (t) => {
      const { body: id } = await t.call("POST", "/webhook", {
        body: webhookBody({
          connectionConfig: { uri: "http://x.test/", auth: { type: "customAuth", value: "Token abc" } },
        }),
      });
      expect((await t.call("GET", `/${id}`)).body.connectionConfig.auth.value).toBe("Token abc");
      const put = await t.call("PUT", `/webhook/${id}`, { body: { name: "n" } });
      expect(put.body.connectionConfig.auth.value).toBe("Token abc");
    });
  });

  it("masks the token, the custom value and Kafka properties; a mask sent back keeps each", async () => {
    await withSandbox({ kafka: null }, async (t) => {
      const { body: tokenId } = await t.call("POST", "/webhook", {
        body: webhookBody({
          connectionConfig: { uri: "http://x.test/", auth: { type: "token", token: "tkn" } },
        }),
      });
      const read = await t.call("GET", `/${tokenId}`);
      expect(read.body.connectionConfig.auth.token).toBe("********");
      // Writing back exactly what was read keeps the secret (a read-modify-write client must be safe).
      expect(
        (
          await t.call("PUT", `/webhook/${tokenId}`, {
            body: { connectionConfig: read.body.connectionConfig },
          })
        ).status,
      ).toBe(200);
      const kafka = {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/1"] },
        connectionConfig: {
          type: "custom",
          topic: "t",
          value: "bootstrap.servers=k:9092\nsasl.jaas.config=secret",
        },
      };
      const { body: kafkaId } = await t.call("POST", "/kafka", { body: kafka });
      const kafkaRead = await t.call("GET", `/${kafkaId}`);
      expect(kafkaRead.body.connectionConfig.value).toBe("********");
      await t.call("PUT", `/kafka/${kafkaId}`, {
        body: { connectionConfig: { ...kafkaRead.body.connectionConfig, topic: "t2" } },
      });
      const stored = (await t.admin("GET", "/handlers")) as Array<{
        id: string;
        connectionConfig: Record<string, unknown>;
      }>;
      expect(stored.find((h) => h.id === tokenId)!.connectionConfig).toMatchObject({
        auth: { token: "tkn" },
      });
      expect(stored.find((h) => h.id === kafkaId)!.connectionConfig).toMatchObject({
        topic: "t2",
        value: "bootstrap.servers=k:9092\nsasl.jaas.config=secret",
      });
    });
  });
});

describe("Kafka without a producer", () => {
  it("reports a clear failure, and records the effective producer configuration with DM's overrides", async () => {
    await withSandbox({ kafka: null }, async (t) => {
      const body = {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: {
          type: "custom",
          topic: "t",
          value:
            'bootstrap.servers=k:9092\nretries=3\nsasl.jaas.config=ScramLoginModule required password="p";',
        },
      };
      expect((await t.call("POST", "/test/kafka", { body })).body).toEqual({
        successful: false,
        message: "this sandbox has no Kafka producer configured",
      });
      const [record] = await t.admin("GET", "/deliveries");
      expect(record).toMatchObject({
        ok: false,
        kind: "test",
        target: "kafka topic t",
        producerProperties: {
          "bootstrap.servers": "k:9092",
          retries: "0",
          "max.block.ms": "8000",
          "sasl.jaas.config": "[redacted]",
        },
      });
    });
  });
});

describe(".properties text", () => {
  it("parses comments, both separators, continuations and escapes; DM's overrides win", () => {
    const text = [
      "# producer",
      "! also a comment",
      "bootstrap.servers = a:9092,\\",
      "    b:9092",
      "acks: all",
      "client.id\tmine",
      'sasl.jaas.config=org.Module required username="u" password="p\\"q";',
      "retries=10",
      "max.block.ms=60000",
      "",
    ].join("\n");
    expect(parseProperties(text)).toEqual({
      "bootstrap.servers": "a:9092,b:9092",
      acks: "all",
      "client.id": "mine",
      "sasl.jaas.config": 'org.Module required username="u" password="p"q";',
      retries: "10",
      "max.block.ms": "60000",
    });
    expect(effectiveProducerProperties(text)).toMatchObject({ retries: "0", "max.block.ms": "8000" });
  });
});
