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

/** Maps the Java producer properties DM hands its Kafka client onto @platformatic/kafka's options. */
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
      mechanism: (properties["sasl.mechanism"] ?? "PLAIN") as SASLOptions["mechanism"],
      username,
      password,
    } as SASLOptions;
  }
  const acks =
    properties.acks === "all" || properties.acks === "-1"
      ? -1
      : properties.acks === undefined
        ? undefined
        : Number(properties.acks);
  return {
    clientId: properties["client.id"] ?? "coiote-dm-sandbox",
    bootstrapBrokers: brokers,
    sasl,
    tls: protocol === "SSL" || protocol === "SASL_SSL" ? {} : undefined,
    retries: Number(properties.retries ?? 0),
    timeout: Number(properties["max.block.ms"] ?? 8000),
    autocreateTopics: true,
    acks,
    serializers: stringSerializers,
  };
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
 * connects again (with a changed password, say).
 */
export function platformaticKafka(): KafkaProducerFactory {
  const producers = new Map<string, Producer<string, string, string, string>>();
  return {
    async send(properties: Record<string, string>, record: KafkaRecord, timeoutMs: number) {
      const key = JSON.stringify(properties);
      let producer = producers.get(key);
      if (!producer) {
        producer = new Producer(producerOptions(properties));
        producers.set(key, producer);
      }
      // Like the Java client DM uses, wait for a new topic's metadata (auto-created by the broker) up to
      // max.block.ms; records themselves are not resent (retries=0).
      const deadline = Date.now() + Math.min(timeoutMs, Number(properties["max.block.ms"] ?? 8000));
      try {
        for (;;) {
          try {
            await withTimeout(
              producer.send({
                messages: [
                  { topic: record.topic, key: record.key, value: record.value, headers: record.headers },
                ],
              }),
              Math.max(1, deadline - Date.now()),
              `producing to ${record.topic}`,
            );
            break;
          } catch (error) {
            const waitingForTopic = /unknown topic|leader.?not.?available/i.test(describe(error));
            if (!waitingForTopic || Date.now() + 200 >= deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      } catch (error) {
        producers.delete(key);
        void producer.close().catch(() => undefined);
        throw new Error(describe(error));
      }
    },
    async close() {
      await Promise.all([...producers.values()].map((p) => p.close().catch(() => undefined)));
      producers.clear();
    },
  };
}
