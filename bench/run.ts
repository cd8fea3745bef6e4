/**
 * npm run bench: how the package scales, as ratios taken in one run on this machine.
 * - `pulumi up`/refresh/destroy of N EventHandlers over domains of 10 vs N no-op dynamic resources (the
 *   engine's floor): seconds, ratios, DM API calls, the provider process's peak RSS, the state file's size;
 * - DM API calls per operation against the floor;
 * - the sandbox's delivery throughput and latency to a loopback webhook and to a real Kafka broker.
 * Prints tables and writes bench-results/bench.json and bench-results/scaling.html (time vs N, inline SVG).
 * Sizes: BENCH_SIZES=10,50,200,1000 (default); BENCH_DELIVERY=0 skips the delivery part; BENCH_SHAPED=1
 * adds the shaped floor (bench/programs/shaped: no-op resources of an EventHandler's properties);
 * BENCH_REFRESH_RUNS=5 (default) refreshes per side and N, and up to N = 200 BENCH_CYCLES=3 (default) up and
 * destroy cycles, the median kept.
 * Where the time goes (CPU profiles of every process): bench/profile.ts, and docs/performance.md.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DmSandbox, ensurePulumiBin, packageRoot as repoRoot, Receiver } from "../testing";
import { type DeliveryRow, measureDeliveries } from "./delivery";
import { scalingHtml } from "./chart";
import {
  type CallRow,
  type EngineRow,
  engineTable,
  loadAverage,
  measureCalls,
  measureEngine,
  warmUp,
} from "./engine";
import { round } from "./stats";

const sizes = (process.env.BENCH_SIZES ?? "10,50,200,1000").split(",").map(Number);
const withDelivery = process.env.BENCH_DELIVERY !== "0";
const withShaped = process.env.BENCH_SHAPED === "1";
// 10 000 events: a throughput measured over a second or more, not over the first few hundred milliseconds.
const deliveryEvents = Number(process.env.BENCH_EVENTS ?? 10_000);

function table(title: string, rows: object[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  const bin = ensurePulumiBin();
  const sandbox = await DmSandbox.start({ masking: true });
  const receiver = await Receiver.start();
  const started = Date.now();
  const results: {
    machine: string;
    startedAt: string;
    loadAtStart: string;
    seconds?: number;
    engine: EngineRow[];
    calls: CallRow[];
    delivery: DeliveryRow[];
  } = {
    machine: `${process.platform} ${process.arch}, ${os.cpus().length} CPUs, node ${process.version}`,
    startedAt: new Date(started).toISOString(),
    loadAtStart: loadAverage(),
    engine: [],
    calls: [],
    delivery: [],
  };
  const out = path.join(repoRoot, "bench-results");
  // Written after every part, so a run cut short (a slow machine, Ctrl-C) still leaves what it measured.
  const save = () => {
    mkdirSync(out, { recursive: true });
    results.seconds = round((Date.now() - started) / 1000, 0);
    writeFileSync(path.join(out, "bench.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(
      path.join(out, "scaling.html"),
      scalingHtml(results.engine, results.machine, results.startedAt),
    );
  };
  try {
    await warmUp(bin, sandbox, receiver.url);
    for (const n of sizes) {
      console.error(
        `[bench] pulumi up/refresh/destroy with ${n} handlers and with ${n} no-op resources (load ${loadAverage()})`,
      );
      results.engine.push(await measureEngine(bin, sandbox, receiver.url, n, withShaped));
      save();
    }
    table(
      "pulumi up, refresh, destroy: EventHandlers vs no-op dynamic resources (seconds; × = ours / floor)",
      engineTable(results.engine),
    );

    console.error("[bench] API calls per operation");
    results.calls = await measureCalls(bin, sandbox, receiver.url, 10);
    table("DM API calls per operation (10 handlers, from the sandbox request log)", results.calls);
    save();

    if (withDelivery) {
      console.error(`[bench] delivery of ${deliveryEvents} events`);
      // The delivering sandbox runs as users run it: its own process (delivery.ts's spawnSandbox).
      results.delivery = await measureDeliveries(receiver, deliveryEvents);
      table("Sandbox delivery: throughput (deliveries/s) and per-delivery latency (ms)", results.delivery);
    }
  } finally {
    await receiver.stop();
    await sandbox.stop();
  }
  save();
  console.log(
    `\nwritten bench-results/bench.json and bench-results/scaling.html (${results.seconds} s, load now ${loadAverage()})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
