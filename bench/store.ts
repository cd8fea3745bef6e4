/**
 * Create throughput of the sandbox's persisted store over the DM API: with an empty store and with 8,000
 * stored handlers (800+ domains: DM allows 10 handlers per domain). A write's cost should not depend on
 * the store's size; the target is a ratio within 2×.
 *
 *   npx ts-node --transpile-only bench/store.ts [--rounds 3] [--creates 1000] [--concurrency 8]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startSandbox, type RunningSandbox } from "../sandbox";
import { percentile, round, timed } from "./stats";

const token = "bench-store-token";
const perDomain = 10;

function handler(name: string): string {
  return JSON.stringify({
    type: "webhook",
    name,
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    connectionConfig: {
      uri: "http://127.0.0.1:9/hook",
      auth: { type: "token", token: "bench-secret" },
      additionalHeaders: { "X-Bench": "store" },
    },
  });
}

/** `count` creates, `concurrency` in flight, filling domains `<prefix>-<n>` ten at a time. */
async function createMany(sandbox: RunningSandbox, prefix: string, count: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const domain = `/${prefix}-${Math.floor(i / perDomain)}/`;
      const response = await fetch(
        `${sandbox.url}/api/coiotedm/v3/deviceEvents/handler/webhook?domain=${encodeURIComponent(domain)}`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: handler(`h-${i}`),
        },
      );
      await response.text();
      if (response.status !== 201) throw new Error(`create ${i} in ${domain}: HTTP ${response.status}`);
    }
  };
  const { seconds } = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return count / seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      creates: { type: "string", default: "1000" },
      stored: { type: "string", default: "8000" },
      concurrency: { type: "string", default: "8" },
    },
  });
  const rounds = Number(values.rounds);
  const creates = Number(values.creates);
  const stored = Number(values.stored);
  const concurrency = Number(values.concurrency);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-store-"));
  const sandbox = await startSandbox({
    port: 0,
    tokens: [token],
    dataFile: path.join(dir, "dm.json"),
    kafka: null,
  });
  const reset = () => fetch(`${sandbox.url}/__sandbox/reset`, { method: "POST" }).then((r) => r.text());
  try {
    await createMany(sandbox, "warm-up", 1_000, concurrency); // JIT, sockets, page cache
    const empty: number[] = [];
    const full: number[] = [];
    for (let round_ = 1; round_ <= rounds; round_++) {
      await reset();
      empty.push(await createMany(sandbox, `empty-${round_}`, creates, concurrency));
      await reset();
      const fill = await createMany(sandbox, `stored-${round_}`, stored, 16);
      full.push(await createMany(sandbox, `more-${round_}`, creates, concurrency));
      console.log(
        `round ${round_}: empty store ${round(empty.at(-1)!, 0)} creates/s; ` +
          `${stored} stored ${round(full.at(-1)!, 0)} creates/s (filled at ${round(fill, 0)}/s)`,
      );
    }
    const emptyRate = percentile(empty, 50);
    const fullRate = percentile(full, 50);
    console.log(
      JSON.stringify(
        {
          creates,
          concurrency,
          emptyStoreCreatesPerSecond: round(emptyRate, 0),
          [`with${stored}StoredCreatesPerSecond`]: round(fullRate, 0),
          ratio: round(emptyRate / fullRate, 2),
          withinTwoTimes: emptyRate / fullRate <= 2,
        },
        null,
        2,
      ),
    );
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
