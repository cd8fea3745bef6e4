// Proves the test Kafka broker is real and usable from Node: records produced with @platformatic/kafka over
// PLAINTEXT and over SASL_PLAINTEXT (SCRAM-SHA-512) come back to a consumer with key, headers and value, and
// a wrong SCRAM password is refused by the broker.
import { randomUUID } from "node:crypto";
import {
  Admin,
  Consumer,
  Producer,
  stringDeserializers,
  stringSerializers,
  type Message,
  type SASLOptions,
} from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKafka, type KafkaServer } from "../../testing";

let kafka: KafkaServer;

beforeAll(async () => {
  kafka = await startKafka();
  const rss = kafka.rssKb();
  console.log(
    `[kafka] ready in ${kafka.startupMs} ms on ${kafka.bootstrapPlaintext} (plain) / ${kafka.bootstrapSasl} (sasl), ` +
      `RSS ${rss === undefined ? "?" : Math.round(rss / 1024)} MB`,
  );
}, 600_000);

afterAll(async () => {
  if (!kafka) return;
  const rss = kafka.rssKb();
  console.log(`[kafka] RSS after the tests: ${rss === undefined ? "?" : Math.round(rss / 1024)} MB`);
  const t = Date.now();
  await kafka.stop();
  console.log(`[kafka] stopped in ${Date.now() - t} ms`);
}, 60_000);

function scram512(): SASLOptions {
  const user = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  return { mechanism: user.mechanism, username: user.username, password: user.password };
}

async function createTopic(name: string): Promise<void> {
  const admin = new Admin({ clientId: "coiote-test-admin", bootstrapBrokers: [kafka.bootstrapPlaintext] });
  try {
    await admin.createTopics({ topics: [name], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
}

async function produce(
  bootstrap: string,
  sasl: SASLOptions | undefined,
  topic: string,
  records: { key: string; value: string; headers: Record<string, string> }[],
): Promise<void> {
  const producer = new Producer({
    clientId: "coiote-test-producer",
    bootstrapBrokers: [bootstrap],
    sasl,
    serializers: stringSerializers,
    retries: 2,
  });
  try {
    await producer.send({ messages: records.map((r) => ({ topic, ...r })) });
  } finally {
    await producer.close();
  }
}

async function consume(
  bootstrap: string,
  sasl: SASLOptions | undefined,
  topic: string,
  count: number,
): Promise<Message<string, string, string, string>[]> {
  const consumer = new Consumer({
    clientId: "coiote-test-consumer",
    groupId: `coiote-test-${randomUUID()}`,
    bootstrapBrokers: [bootstrap],
    sasl,
    deserializers: stringDeserializers,
  });
  const received: Message<string, string, string, string>[] = [];
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: "earliest",
      autocommit: true,
      maxWaitTime: 500,
    });
    const timeout = setTimeout(() => void stream.close(), 30_000);
    for await (const message of stream) {
      received.push(message);
      if (received.length >= count) break;
    }
    clearTimeout(timeout);
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return received;
}

describe("real Kafka broker", () => {
  it("round-trips records with key, headers and value over PLAINTEXT", async () => {
    const topic = `plain-${randomUUID()}`;
    await createTopic(topic);
    await produce(kafka.bootstrapPlaintext, undefined, topic, [
      {
        key: "urn:imei:1",
        value: JSON.stringify({ n: 1 }),
        headers: { source: "coiote", kind: "telemetry" },
      },
      {
        key: "urn:imei:2",
        value: JSON.stringify({ n: 2 }),
        headers: { source: "coiote", kind: "lifecycle" },
      },
    ]);
    const got = await consume(kafka.bootstrapPlaintext, undefined, topic, 2);
    expect(got.map((m) => [m.key, m.value, Object.fromEntries(m.headers)])).toEqual([
      ["urn:imei:1", '{"n":1}', { source: "coiote", kind: "telemetry" }],
      ["urn:imei:2", '{"n":2}', { source: "coiote", kind: "lifecycle" }],
    ]);
  });

  it("round-trips records over SASL_PLAINTEXT with SCRAM-SHA-512", async () => {
    const topic = `sasl-${randomUUID()}`;
    await createTopic(topic);
    await produce(kafka.bootstrapSasl, scram512(), topic, [
      { key: "urn:imei:3", value: "hello over scram", headers: { "x-event": "registration" } },
    ]);
    const got = await consume(kafka.bootstrapSasl, scram512(), topic, 1);
    expect(got).toHaveLength(1);
    expect(got[0]!.key).toBe("urn:imei:3");
    expect(got[0]!.value).toBe("hello over scram");
    expect(Object.fromEntries(got[0]!.headers)).toEqual({ "x-event": "registration" });
  });

  it("authenticates SCRAM-SHA-256 and PLAIN users too", async () => {
    const sha256 = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-256")!;
    const plain = kafka.plainUsers[0]!;
    for (const user of [sha256, plain]) {
      const admin = new Admin({
        clientId: "coiote-test-admin",
        bootstrapBrokers: [kafka.bootstrapSasl],
        sasl: { mechanism: user.mechanism, username: user.username, password: user.password },
        retries: 0,
      });
      try {
        const metadata = await admin.metadata({ topics: [] });
        expect(metadata.brokers.size).toBe(1);
      } finally {
        await admin.close();
      }
    }
  });

  it("refuses a wrong SCRAM-SHA-512 password with an authentication error", async () => {
    const producer = new Producer({
      clientId: "coiote-test-bad-password",
      bootstrapBrokers: [kafka.bootstrapSasl],
      sasl: { ...scram512(), password: "not-the-password" },
      serializers: stringSerializers,
      retries: 0,
    });
    let error: unknown;
    try {
      await producer.send({ messages: [{ topic: `denied-${randomUUID()}`, key: "k", value: "v" }] });
    } catch (err) {
      error = err;
    } finally {
      await producer.close().catch(() => undefined);
    }
    expect(error).toBeInstanceOf(Error);
    // @platformatic/kafka 1.35 reports it as MultipleErrors("Cannot connect to any broker") ⊃ NetworkError
    // ⊃ cause AuthenticationError (PLT_KFK_AUTHENTICATION, "SASL authentication failed.").
    expect(describeError(error)).toContain("PLT_KFK_AUTHENTICATION");
  });
});

function describeError(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 5) return String(err);
  const e = err as Error & { code?: string; errors?: unknown[]; cause?: unknown };
  const parts = [`${e.code ?? e.name}: ${e.message}`];
  for (const inner of e.errors ?? []) parts.push(describeError(inner, depth + 1));
  if (e.cause) parts.push(describeError(e.cause, depth + 1));
  return parts.join(" | ");
}
