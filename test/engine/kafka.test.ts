import type { ConfigMap } from "@pulumi/pulumi/automation";
import { randomUUID } from "node:crypto";
import { Consumer, type Message, stringDeserializers } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KafkaServer, type ProgramStack, startKafka } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * KafkaConnection and Kafka handlers end to end: the real engine, the sandbox producing with a real
 * client, and a real Kafka broker whose topics a consumer here reads.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/fleet/" });
let kafka: KafkaServer;
let stack: ProgramStack;

async function read(
  topic: string,
  count: number,
  match: (m: Message<string, string, string, string>) => boolean = () => true,
) {
  const consumer = new Consumer({
    clientId: "coiote-test-reader",
    groupId: `reader-${randomUUID()}`,
    bootstrapBrokers: [kafka.bootstrapPlaintext],
    deserializers: stringDeserializers,
  });
  const found: Message<string, string, string, string>[] = [];
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: "earliest",
      autocommit: false,
      maxWaitTime: 300,
    });
    const timeout = setTimeout(() => void stream.close(), 20_000);
    for await (const message of stream) {
      if (match(message)) found.push(message);
      if (found.length >= count) break;
    }
    clearTimeout(timeout);
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return found;
}

/** A consumer that is already reading a topic, so a wait measures delivery, not the consumer's start-up. */
async function liveReader(topic: string) {
  const consumer = new Consumer({
    clientId: "coiote-test-latency",
    groupId: `latency-${randomUUID()}`,
    bootstrapBrokers: [kafka.bootstrapPlaintext],
    deserializers: stringDeserializers,
    // Answer a fetch as soon as one record is there: the latency measured is DM's, not a batching delay.
    minBytes: 1,
  });
  const stream = await consumer.consume({
    topics: [topic],
    mode: "earliest",
    autocommit: false,
    maxWaitTime: 100,
  });
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  let first: () => void;
  const live = new Promise<void>((resolve) => (first = resolve));
  stream.on("data", (message: Message<string, string, string, string>) => {
    const at = performance.now();
    first();
    arrivals.set(message.key, at);
    waiters.get(message.key)?.(at);
  });
  // The topic already holds records (the handler's test on apply); the first one read means we are live.
  await live;
  return {
    arrival(key: string, timeoutMs = 10_000): Promise<number> {
      const known = arrivals.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no record with key ${key} on ${topic}`)), timeoutMs);
        waiters.set(key, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    async close() {
      await stream.close();
      await consumer.close(true);
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** A stack of the Kafka program in /fleet/, connecting with the broker's SCRAM-SHA-512 user; `config` overrides. */
function kafkaStack(config: ConfigMap = {}): Promise<ProgramStack> {
  const user = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  return fixture.sandboxStack({
    program: "test/programs/kafka",
    providerConfig: { "coiote:domain": "/fleet/" },
    config: {
      bootstrap: { value: kafka.bootstrapSasl },
      mechanism: { value: user.mechanism },
      username: { value: user.username },
      password: { value: user.password, secret: true },
      ...config,
    },
  });
}

beforeAll(async () => {
  kafka = await startKafka();
  console.log(
    `[kafka] broker ready in ${kafka.startupMs} ms, RSS ${Math.round((kafka.rssKb() ?? 0) / 1024)} MB`,
  );
  await fixture.sandbox.setDomainKafkaProperties("/fleet/", `bootstrap.servers=${kafka.bootstrapPlaintext}`);
  stack = await kafkaStack();
}, 600_000);
afterAll(async () => {
  await kafka?.stop();
});

describe.sequential("Kafka handlers over a KafkaConnection", () => {
  it("verifies the connection and tests each handler with real records on the broker", async () => {
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      broker: "create",
      domain: "create",
      telemetry: "create",
      lifecycle: "create",
      viaDomain: "create",
    });
    const outputs = await stack.outputs();
    expect(outputs.verification).toMatchObject({ successful: true });
    expect(outputs.lastTests).toMatchObject({
      telemetry: { successful: true },
      lifecycle: { successful: true },
      viaDomain: { successful: true },
    });
    const verification = await read("verify", 1);
    expect(verification[0]?.key).toMatch(/^handler-test-device-/);
    expect((await read("telemetry", 1))[0]?.key).toMatch(/^handler-test-device-/);
    // testOnApply of the templated lifecycle handler and of the domain-property one.
    const [lifecycleTest] = await read("lifecycle", 1);
    expect(JSON.parse(lifecycleTest!.value)).toMatchObject({
      device: expect.stringMatching(/^handler-test-device-/),
      event: "deviceCreated",
    });
    expect((await read("domain-lifecycle", 1))[0]?.key).toMatch(/^handler-test-device-/);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("delivers injected events with key = endpoint name, rendered headers and the default or templated body", async () => {
    const timestamp = Date.now();
    await fixture.sandbox.injectEvents([
      { domain: "/fleet/", endpointName: "truck-7", url: "/3303/0/5700", value: 4.5, timestamp },
      { domain: "/fleet/", endpointName: "truck-7", subtype: "deviceCreated", timestamp },
      { domain: "/fleet/", endpointName: "truck-7", subtype: "deviceDeleted", timestamp },
    ]);
    const [telemetry] = await read("telemetry", 1, (m) => m.key === "truck-7");
    expect(Object.fromEntries(telemetry!.headers)).toEqual({ device: "truck-7", tenant: "fleet" });
    expect(JSON.parse(telemetry!.value)).toEqual({
      version: "1.0",
      timestamp,
      endpointName: "truck-7",
      domainId: "/fleet/",
      url: "/3303/0/5700",
      value: "4.5",
    });
    const [lifecycle] = await read("lifecycle", 1, (m) => m.key === "truck-7");
    expect(JSON.parse(lifecycle!.value)).toEqual({
      device: "truck-7",
      event: "deviceCreated",
      at: timestamp,
    });
    const [viaDomain] = await read("domain-lifecycle", 1, (m) => m.key === "truck-7");
    expect(JSON.parse(viaDomain!.value)).toMatchObject({ subtype: "deviceDeleted", endpointName: "truck-7" });
  });

  it("measures the latency from event injection to a consumer already reading the topic", async () => {
    const reader = await liveReader("telemetry");
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const endpointName = `latency-${i}`;
        const injected = performance.now();
        await fixture.sandbox.injectEvents(
          [{ domain: "/fleet/", endpointName, url: "/3303/0/5700", value: i }],
          false,
        );
        latencies.push((await reader.arrival(endpointName)) - injected);
      }
    } finally {
      await reader.close();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `[kafka] injection → consumer, ${sorted.length} events: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
        `p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    expect(sorted.at(-1)).toBeLessThan(5000);
  });

  it("a wrong password fails verification with the broker's reason and changes no handler", async () => {
    const before = await fixture.sandbox.handlers();
    await stack.setConfig({ password: { value: "wrong-password", secret: true } });
    const failure = await stack.up().then(
      () => new Error("up succeeded"),
      (error: Error) => error,
    );
    const reason = /could not produce to Kafka with connection [^\n]*/.exec(failure.message)?.[0];
    console.log(`[kafka] wrong password: ${reason}`);
    expect(reason).toMatch(/SASL|[Aa]uthentication/);
    expect(await fixture.sandbox.handlers()).toEqual(before);
  });

  it("a new stack with a wrong password records nothing and creates no handler", async () => {
    const before = await fixture.sandbox.handlers();
    const fresh = await kafkaStack({
      password: { value: "not-the-password", secret: true },
      withDomainHandler: { value: "false" },
    });
    await expect(fresh.up()).rejects.toThrow(
      /could not produce to Kafka with connection .*(SASL|[Aa]uthentication)/,
    );
    // The connection is local-only and failed before it was recorded; the handlers waiting on it never ran.
    expect(await fresh.resourcesInState()).toEqual([]);
    expect(await fixture.sandbox.handlers()).toEqual(before);
  });

  it("rotating the credentials updates the handlers in place", async () => {
    const ids = (await stack.outputs()).ids;
    const user = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-256")!;
    await stack.setConfig({
      mechanism: { value: user.mechanism },
      password: { value: user.password, secret: true },
    });
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      broker: "update",
      telemetry: "update",
      lifecycle: "update",
      viaDomain: "same",
    });
    expect((await stack.outputs()).ids).toEqual(ids);
    const stored = await fixture.sandbox.handlers();
    expect(stored.find((h) => h.name === "temperature to kafka")?.connectionConfig.value).toContain(
      "sasl.mechanism=SCRAM-SHA-256",
    );
    expect((await stack.preview()).changes).toBe(0);
  });

  it("keeps passwords out of the state file", () => {
    const state = stack.stateFileText();
    expect(state).toContain("temperature to kafka");
    for (const user of kafka.scramUsers) expect(state).not.toContain(user.password);
    expect(state).not.toContain("ScramLoginModule");
  });

  it("destroy leaves nothing in DM", async () => {
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
  });
});
