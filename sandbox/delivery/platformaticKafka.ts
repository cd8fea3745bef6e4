import { Producer, type SASLOptions, stringSerializers } from "@platformatic/kafka";
import type { KafkaProducerFactory, KafkaRecord } from "./kafka";

/** Reads `username="..."` and `password="..."` out of a JAAS line (values may escape `"` and `\`). */
export function jaasCredentials(jaas: string): { username?: string; password?: string } {
  const value = (name: string) => {
    const match = new RegExp(`${name}\\s*=\\s*"((?:\\\\.|[^"\\\\])*)"`).exec(jaas);
    return match?.[1]?.replace(/\\(.)/g, "$1");
  };
  return { username: value("username"), password: value("password") };
}

/** A whole number property, or undefined when absent or not a number (an unusable value is ignored, not fatal). */
function wholeNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/** Java's `acks`: "all" and "-1" wait for every in-sync replica; 0 and 1 as written. */
function acksOf(value: string | undefined): number | undefined {
  if (value === "all" || value === "-1") return -1;
  return value === "0" || value === "1" ? Number(value) : undefined;
}

/**
 * The client merges options over its defaults with Object.assign, so a key present with the value undefined
 * would erase a default (an undefined requestTimeout times every request out at once): leave such keys out.
 */
function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}

const compressions = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
type Compression = (typeof compressions)[number];

/**
 * Maps the Java producer properties DM hands its Kafka client onto @platformatic/kafka's options. Keys the
 * JavaScript client has no equivalent for (buffer.memory, linger.ms, keystores, …) are ignored, as the Java
 * client ignores unknown keys with a warning.
 */
export function producerOptions(properties: Record<string, string>) {
  const protocol = (properties["security.protocol"] ?? "PLAINTEXT").toUpperCase();
  const brokers = (properties["bootstrap.servers"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  let sasl: SASLOptions | undefined;
  if (protocol.startsWith("SASL_")) {
    const { username, password } = jaasCredentials(properties["sasl.jaas.config"] ?? "");
    sasl = {
      mechanism: (properties["sasl.mechanism"] ?? "GSSAPI").toUpperCase() as SASLOptions["mechanism"],
      username,
      password,
    };
  }
  const compression = properties["compression.type"]?.toLowerCase();
  return definedOnly({
    clientId: properties["client.id"] || "coiote-dm-sandbox",
    bootstrapBrokers: brokers,
    sasl,
    tls: protocol === "SSL" || protocol === "SASL_SSL" ? {} : undefined,
    retries: wholeNumber(properties.retries) ?? 0,
    timeout: wholeNumber(properties["max.block.ms"]) ?? 8000,
    requestTimeout: wholeNumber(properties["request.timeout.ms"]),
    metadataMaxAge: wholeNumber(properties["metadata.max.age.ms"]),
    autocreateTopics: true,
    acks: acksOf(properties.acks),
    compression: compressions.includes(compression as Compression) ? (compression as Compression) : undefined,
    serializers: stringSerializers,
  });
}

/** The client wraps the broker's reason (e.g. SASL authentication failed) in nested errors: spell them all. */
function describe(error: unknown): string {
  const reasons: string[] = [];
  for (
    let e: unknown = error;
    e instanceof Error && reasons.length < 4;
    e = (e as { cause?: unknown }).cause ?? (e as AggregateError).errors?.[0]
  ) {
    if (!reasons.includes(e.message)) reasons.push(e.message);
  }
  return reasons.join(": ") || String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Real Kafka delivery with @platformatic/kafka (pure JavaScript, installs offline). One producer per
 * distinct configuration, kept while it works; a producer that fails is closed, so the next delivery
 * connects again (with a changed password, say). The records sent to one topic with one configuration in
 * one turn of the event loop go out in one produce request, and succeed or fail together.
 */
export function platformaticKafka(): KafkaProducerFactory {
  const producers = new Map<string, Producer<string, string, string, string>>();
  const batches = new Map<string, { messages: KafkaRecord[]; sent: Promise<void> }>();
  async function produce(properties: Record<string, string>, messages: KafkaRecord[], timeoutMs: number) {
    const key = JSON.stringify(properties);
    const producer = producers.get(key) ?? new Producer(producerOptions(properties));
    producers.set(key, producer);
    // Like the Java client DM uses, wait for a new topic's metadata (auto-created by the broker) up to
    // max.block.ms; records themselves are not resent (retries=0).
    const deadline = Date.now() + Math.min(timeoutMs, Number(properties["max.block.ms"] ?? 8000));
    try {
      for (;;) {
        try {
          const ms = Math.max(1, deadline - Date.now());
          await withTimeout(producer.send({ messages }), ms, `producing to ${messages[0]!.topic}`);
          break;
        } catch (error) {
          const waitingForTopic = /unknown topic|leader.?not.?available/i.test(describe(error));
          if (!waitingForTopic || Date.now() + 200 >= deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    } catch (error) {
      if (producers.get(key) === producer) producers.delete(key);
      void producer.close().catch(() => undefined);
      throw new Error(describe(error));
    }
  }
  return {
    send(properties: Record<string, string>, record: KafkaRecord, timeoutMs: number) {
      const key = `${record.topic}\n${JSON.stringify(properties)}`;
      let batch = batches.get(key);
      if (!batch) {
        const messages: KafkaRecord[] = [];
        const turn = new Promise((resolve) => setImmediate(() => resolve(batches.delete(key))));
        batch = { messages, sent: turn.then(() => produce(properties, messages, timeoutMs)) };
        batches.set(key, batch);
      }
      batch.messages.push(record);
      return batch.sent;
    },
    async close() {
      await Promise.all([...producers.values()].map((p) => p.close().catch(() => undefined)));
      producers.clear();
    },
  };
}
