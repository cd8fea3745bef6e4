/**
 * The delivery part of npm run bench alone, quick to repeat: npm run build, then
 * npx ts-node --transpile-only bench/deliveryOnly.ts. Events: BENCH_EVENTS (default 5000), after
 * BENCH_WARMUP; the sandbox runs as its own process (see spawnSandbox; BENCH_SANDBOX_PROF=<dir> profiles it).
 */
import { Receiver, startKafka } from "../testing";
import {
  type DeliveryRow,
  kafkaTarget,
  measureDelivery,
  spawnSandbox,
  warmUpEvents,
  webhookTarget,
} from "./delivery";

const events = Number(process.env.BENCH_EVENTS ?? 5000);

async function main(): Promise<void> {
  const sandboxProcess = await spawnSandbox();
  const { sandbox } = sandboxProcess;
  const receiver = await Receiver.start();
  const rows: DeliveryRow[] = [];
  try {
    await webhookTarget(sandbox, receiver);
    await measureDelivery(sandbox, "warm-up", warmUpEvents); // JIT and connections, floor included
    rows.push(await measureDelivery(sandbox, "webhook (loopback)", events));
    receiver.requests.length = 0;
    if (process.env.BENCH_KAFKA !== "0") {
      const broker = await startKafka();
      try {
        await sandbox.reset();
        await kafkaTarget(sandbox, broker);
        rows.push(await measureDelivery(sandbox, "Kafka (loopback broker)", events));
      } finally {
        await broker.stop();
      }
    }
    console.table(rows);
  } finally {
    await receiver.stop();
    await sandboxProcess.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
