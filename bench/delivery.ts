import { Producer, stringSerializers } from "@platformatic/kafka";
import { Pool } from "undici";
import { buildWebhookRequest } from "../sandbox/delivery/webhook";
import type { DeviceEvent } from "../sandbox/delivery/events";
import { defaultSandboxOptions } from "../sandbox/options";
import { type DmSandbox, type KafkaServer, type Receiver } from "../testing";
import { percentile, round, timed } from "./stats";

export interface DeliveryRow {
  target: string;
  events: number;
  eventsPerSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  failures: number;
  /** The same events sent by a plain client (see the floors below), and ours / floor. */
  floorEventsPerSecond?: number;
  ratio?: number;
}

interface DeliveryResult {
  ok: boolean;
  durationMs: number;
}

const domain = "/throughput/";
const batchOf = (sent: number, size: number) =>
  Array.from({ length: size }, (_, i) => ({
    domain,
    endpointName: `dev-${(sent + i) % 50}`,
    url: "/3303/0/5700",
    value: 20 + ((sent + i) % 10),
  }));

/** Runs `send` on every batch of the events in turn; the per-event durations it returns make the row. */
async function measure(
  target: string,
  events: number,
  batch: number,
  send: (payload: ReturnType<typeof batchOf>) => Promise<DeliveryResult[]>,
): Promise<DeliveryRow> {
  const durations: number[] = [];
  let failures = 0;
  const { seconds } = await timed(async () => {
    for (let sent = 0; sent < events; sent += batch) {
      for (const r of await send(batchOf(sent, Math.min(batch, events - sent)))) {
        durations.push(r.durationMs);
        if (!r.ok) failures++;
      }
    }
  });
  return {
    target,
    events,
    eventsPerSecond: round(durations.length / seconds, 0),
    p50ms: percentile(durations, 50),
    p95ms: percentile(durations, 95),
    p99ms: percentile(durations, 99),
    failures,
  };
}

/**
 * Injects `events` telemetry events in batches and waits for every delivery. Throughput counts
 * deliveries per second of wall time; latency is each delivery's own duration in the sandbox. The floor
 * is a plain client sending the same events in the same batches to the handler's own target.
 */
export async function measureDelivery(
  sandbox: DmSandbox,
  target: string,
  events: number,
  batch = 100,
): Promise<DeliveryRow> {
  const row = await measure(target, events, batch, async (payload) => {
    const result = (await sandbox.injectEvents(payload)) as { results: DeliveryResult[] };
    return result.results;
  });
  const handler = (await sandbox.handlers()).find((h) => h.domain === domain && h.enabled);
  const config = handler?.connectionConfig as { uri?: string; value?: string } | undefined;
  const servers = /bootstrap\.servers=(\S+)/.exec(config?.value ?? "")?.[1];
  if (handler?.type === "webhook" && config?.uri)
    return withFloor(row, await webhookFloor(config.uri, events));
  if (handler?.type === "kafka" && servers) return withFloor(row, await kafkaFloor(servers, events));
  return row;
}

/** The row with its floor: a plain client sending the same events the same way. */
function withFloor(row: DeliveryRow, floor: DeliveryRow): DeliveryRow {
  return {
    ...row,
    floorEventsPerSecond: floor.eventsPerSecond,
    ratio: round(row.eventsPerSecond / floor.eventsPerSecond),
  };
}

/** The request the sandbox builds for the event (body and headers), for a floor to send the same. */
const rendered = (uri: string, event: ReturnType<typeof batchOf>[number]) =>
  buildWebhookRequest({ uri }, { kind: "telemetry", ...event, value: String(event.value) } as DeviceEvent);

async function timedResult(run: () => Promise<boolean>): Promise<DeliveryResult> {
  const started = Date.now();
  const ok = await run().catch(() => false);
  return { ok, durationMs: Date.now() - started };
}

/**
 * The webhook floor: undici's keep-alive Pool with as many connections as the sandbox keeps in flight for
 * one handler, posting the very requests the sandbox builds (body and headers) to the same receiver.
 */
export async function webhookFloor(
  uri: string,
  events: number,
  connections = defaultSandboxOptions.deliveryConcurrencyPerHandler,
  batch = 100,
) {
  const url = new URL(uri);
  const pool = new Pool(url.origin, { connections });
  try {
    return await measure("floor: undici Pool", events, batch, (payload) =>
      Promise.all(
        payload.map((event) => {
          const { method, body, headers } = rendered(uri, event);
          return timedResult(async () => {
            const response = await pool.request({
              path: url.pathname + url.search,
              method: method as "POST",
              headers,
              body,
            });
            await response.body.dump();
            return response.statusCode < 300;
          });
        }),
      ),
    );
  } finally {
    await pool.close();
  }
}

/** The Kafka floor: one plain producer sending each batch of records in one call, as the events come. */
export async function kafkaFloor(bootstrapServers: string, events: number, batch = 100) {
  const uri = "http://floor.invalid/"; // only for the body: a Kafka record's is the generic JSON
  const producer = new Producer({
    clientId: "bench-floor",
    bootstrapBrokers: bootstrapServers.split(","),
    autocreateTopics: true,
    serializers: stringSerializers,
  });
  try {
    await producer.send({ messages: [{ topic: "bench-floor", key: "warm", value: "{}" }] });
    return await measure("floor: @platformatic/kafka Producer", events, batch, async (payload) => {
      const messages = payload.map((event) => ({
        topic: "bench-floor",
        key: event.endpointName,
        value: rendered(uri, event).body,
      }));
      const result = await timedResult(async () => (await producer.send({ messages }), true));
      return payload.map(() => result);
    });
  } finally {
    await producer.close();
  }
}

export async function webhookTarget(sandbox: DmSandbox, receiver: Receiver): Promise<void> {
  await sandbox.api("POST", "/deviceEvents/handler/webhook?domain=%2Fthroughput%2F", {
    type: "webhook",
    name: "throughput-webhook",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: { uri: `${receiver.url}/throughput` },
  });
}

export async function kafkaTarget(sandbox: DmSandbox, broker: KafkaServer): Promise<void> {
  await sandbox.api("POST", "/deviceEvents/handler/kafka?domain=%2Fthroughput%2F", {
    type: "kafka",
    name: "throughput-kafka",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: {
      type: "custom",
      topic: "bench",
      value: `bootstrap.servers=${broker.bootstrapPlaintext}`,
    },
  });
  // The first delivery warms up the producer (metadata, connection) outside the measurement.
  await sandbox.injectEvents([{ domain, endpointName: "warm", url: "/3303/0/5700", value: 1 }]);
}
