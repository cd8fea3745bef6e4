import { type DmSandbox, type Receiver } from "../testing";
import { percentile, round, timed } from "./stats";

export interface DeliveryRow {
  target: string;
  events: number;
  eventsPerSecond: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  failures: number;
}

interface DeliveryResult {
  ok: boolean;
  durationMs: number;
}

/**
 * Injects `events` telemetry events in batches and waits for every delivery. Throughput counts
 * deliveries per second of wall time; latency is each delivery's own duration in the sandbox.
 */
export async function measureDelivery(
  sandbox: DmSandbox,
  target: string,
  events: number,
  batch = 100,
): Promise<DeliveryRow> {
  const durations: number[] = [];
  let failures = 0;
  const { seconds } = await timed(async () => {
    for (let sent = 0; sent < events; sent += batch) {
      const size = Math.min(batch, events - sent);
      const payload = Array.from({ length: size }, (_, i) => ({
        domain: "/throughput/",
        endpointName: `dev-${(sent + i) % 50}`,
        url: "/3303/0/5700",
        value: 20 + ((sent + i) % 10),
      }));
      const result = (await sandbox.injectEvents(payload)) as { results: DeliveryResult[] };
      for (const r of result.results) {
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

export async function webhookTarget(sandbox: DmSandbox, receiver: Receiver): Promise<void> {
  await sandbox.api("POST", "/deviceEvents/handler/webhook?domain=%2Fthroughput%2F", {
    type: "webhook",
    name: "throughput-webhook",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: { uri: `${receiver.url}/throughput` },
  });
}
