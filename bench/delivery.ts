import { spawn } from "node:child_process";
import { readdirSync, renameSync } from "node:fs";
import path from "node:path";
import { Producer, stringSerializers } from "@platformatic/kafka";
import { Pool } from "undici";
import { buildWebhookRequest } from "../sandbox/delivery/webhook";
import type { DeviceEvent } from "../sandbox/delivery/events";
import { defaultSandboxOptions } from "../sandbox/options";
import { DmSandbox, type KafkaServer, packageRoot, type Receiver, startKafka } from "../testing";
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
 * Events a fresh sandbox process delivers before it is measured (BENCH_WARMUP, default 5000), for its
 * connections and its JIT, which takes thousands of deliveries: measured once, the 10,000 events after a
 * warm-up of 2,000 cost the sandbox ~35% more CPU per event than the 10,000 after those.
 */
export const warmUpEvents = Number(process.env.BENCH_WARMUP ?? 5000);

/** A sandbox process and how to stop it. */
export interface SandboxProcess {
  sandbox: DmSandbox;
  /** SIGTERM, then resolves once the process has exited (and written its profile, if asked to). */
  stop(): Promise<void>;
}

/**
 * The delivering sandbox as users run it: its own process, `node dist/sandbox/cli.js` (so npm run build
 * first), not the bench's (whose ts-node and receiver would share its CPU and event loop). With
 * BENCH_SANDBOX_PROF=<dir> it writes a CPU profile there when it stops: sandbox.<pid>.0.cpuprofile.
 */
export async function spawnSandbox(): Promise<SandboxProcess> {
  const token = "bench-sandbox-token";
  const profDir = process.env.BENCH_SANDBOX_PROF;
  const cli = path.join(packageRoot, "dist", "sandbox", "cli.js");
  const child = spawn(
    process.execPath,
    [...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), cli, "--port", "0", "--token", token],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const listening = /coiote-sandbox listening on (\S+)/.exec(out);
      if (listening) resolve(listening[1]!);
    });
    void exited.then(() => reject(new Error(`coiote-sandbox (${cli}) exited before it listened`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
    if (!profDir) return;
    // Node names it CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; profile.ts wants <role>.<pid>.<seq>.
    for (const file of readdirSync(profDir).filter(
      (f) => f.startsWith("CPU.") && f.includes(`.${child.pid}.`),
    ))
      renameSync(path.join(profDir, file), path.join(profDir, `sandbox.${child.pid}.0.cpuprofile`));
  };
  return { sandbox: DmSandbox.connect(url, token), stop };
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

/**
 * The delivery bench on a fresh sandbox process: a warm-up (JIT, connections, the floor's too), then
 * `events` webhook deliveries, then, unless `kafka` is false, as many Kafka deliveries to a broker of its
 * own. A broker that cannot start leaves the Kafka row out, said on stderr, rather than the webhook's.
 */
export async function measureDeliveries(
  receiver: Receiver,
  events: number,
  kafka = true,
): Promise<DeliveryRow[]> {
  const { sandbox, stop } = await spawnSandbox();
  const rows: DeliveryRow[] = [];
  try {
    await webhookTarget(sandbox, receiver);
    await measureDelivery(sandbox, "warm-up", warmUpEvents);
    rows.push(await measureDelivery(sandbox, "webhook (loopback)", events));
    receiver.requests.length = 0;
    if (kafka) rows.push(...(await kafkaDeliveries(sandbox, events)));
  } finally {
    await stop();
  }
  return rows;
}

async function kafkaDeliveries(sandbox: DmSandbox, events: number): Promise<DeliveryRow[]> {
  let broker: KafkaServer;
  try {
    broker = await startKafka();
  } catch (error) {
    console.error(
      `[bench] Kafka delivery not measured: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
  try {
    await sandbox.reset(); // only the Kafka handler receives these events
    await kafkaTarget(sandbox, broker);
    return [await measureDelivery(sandbox, "Kafka (loopback broker)", events)];
  } finally {
    await broker.stop();
  }
}
