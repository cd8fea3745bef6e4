/**
 * The delivery part of npm run bench alone, quick to repeat: npm run build, then
 * npx ts-node --transpile-only bench/deliveryOnly.ts. Events: BENCH_EVENTS (default 10 000, as npm run bench), after
 * BENCH_WARMUP; the sandbox runs as its own process (see spawnSandbox; BENCH_SANDBOX_PROF=<dir> profiles it).
 */
import { Receiver } from "../testing";
import { measureDeliveries } from "./delivery";

const events = Number(process.env.BENCH_EVENTS ?? 10_000);

async function main(): Promise<void> {
  const receiver = await Receiver.start();
  try {
    console.table(await measureDeliveries(receiver, events, process.env.BENCH_KAFKA !== "0"));
  } finally {
    await receiver.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
