/**
 * What a `pulumi refresh` spends in each dynamic-provider process, for N EventHandlers and for N no-op
 * resources of an EventHandler's properties (the shaped floor), side by side:
 *
 *   npx ts-node --transpile-only bench/timeline.ts [N=10] [rounds=3]
 *
 * A refresh starts two provider processes (the CLI's preview, then the refresh). For each it prints, in ms
 * from the command's start: when the process started, its first gRPC call, its first read and when that
 * read was answered, its last answer; how long loading the package's runtime took; and the read phase
 * (first read to last answer). bench/timelineHook.cjs, preloaded in every provider process, logs the events.
 * This is how the refresh gap of docs/performance.md was found to be the first read's wait for the
 * runtime to load.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { DmSandbox, ensurePulumiBin, packageRoot, ProgramStack, Receiver } from "../testing";
import { handlersConfig, installNoopProvider } from "./engine";
import { percentile } from "./stats";

interface TimelineEvent {
  at: number;
  event: "start" | "runtime" | "call";
  startedAt: number;
  method?: string;
  ms?: number;
  /** The process's CPU time (user + system) when the call was answered. */
  cpuMs?: number;
  /** The main thread's busy time (event loop utilization's `active`) when the call was answered. */
  activeMs?: number;
}

interface ProcessTimeline {
  startMs: number;
  firstCallMs: number;
  firstReadMs: number;
  firstReadAnsweredMs: number;
  lastAnswerMs: number;
  runtimeLoadMs?: number;
  readPhaseMs: number;
  /** The process's CPU time from the first read's answer to the last answer (it was idle before the read). */
  readPhaseCpuMs: number;
  /** The main thread's busy time over the same span (the CPU time also counts V8's compiler and GC threads). */
  readPhaseActiveMs: number;
  /** How many calls of each gRPC method the process served, e.g. `read 200, configure 1`. */
  calls: string;
}

function processTimeline(file: string, commandStart: number): ProcessTimeline {
  const events = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as TimelineEvent);
  const calls = events.filter((e) => e.event === "call");
  const reads = calls.filter((e) => e.method === "read");
  const since = (t: number) => t - commandStart;
  const firstRead = reads.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
  const lastAnswer = Math.max(...calls.map((c) => c.startedAt + c.ms!));
  // A counter's growth from the first read's answer to the last answer (both taken when a call is answered).
  const afterFirstAnswer = (counter: "cpuMs" | "activeMs") =>
    Math.round(Math.max(...calls.map((c) => c[counter]!)) - Math.min(...reads.map((c) => c[counter]!)));
  return {
    startMs: since(events.find((e) => e.event === "start")!.startedAt),
    firstCallMs: since(Math.min(...calls.map((c) => c.startedAt))),
    firstReadMs: since(firstRead.startedAt),
    firstReadAnsweredMs: since(firstRead.startedAt + firstRead.ms!),
    lastAnswerMs: since(lastAnswer),
    runtimeLoadMs: events.find((e) => e.event === "runtime")?.ms,
    readPhaseMs: lastAnswer - firstRead.startedAt,
    readPhaseActiveMs: afterFirstAnswer("activeMs"),
    readPhaseCpuMs: afterFirstAnswer("cpuMs"),
    calls: [...new Set(calls.map((c) => c.method))]
      .map((method) => `${method} ${calls.filter((c) => c.method === method).length}`)
      .join(", "),
  };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10);
  const rounds = Number(process.argv[3] ?? 3);
  execFileSync(process.execPath, [path.join(packageRoot, "scripts", "link-self.cjs")]);
  const bin = ensurePulumiBin();
  const sandbox = await DmSandbox.start({ masking: true });
  const receiver = await Receiver.start();
  const out = mkdtempSync(path.join(tmpdir(), "bench-timeline-"));
  const stacks: Record<string, ProgramStack> = {};
  const readPhases: Record<string, number[]> = {};
  try {
    for (const kind of ["handlers", "shaped"]) {
      const stack = await ProgramStack.create({
        program: `bench/programs/${kind}`,
        pulumiBin: bin,
        config: handlersConfig(sandbox, receiver.url, n),
        env: { NODE_OPTIONS: `--require ${path.join(packageRoot, "bench", "timelineHook.cjs")}` },
      });
      if (kind === "shaped") installNoopProvider(stack);
      await stack.up();
      stacks[kind] = stack;
    }
    for (let round = 1; round <= rounds; round++) {
      for (const [kind, stack] of Object.entries(stacks)) {
        const dir = path.join(out, `${kind}-${round}`);
        mkdirSync(dir);
        stack.env.BENCH_TIMELINE_DIR = dir;
        const started = Date.now();
        await stack.run(["refresh", "--yes"]);
        console.log(`${kind}, round ${round}: refresh ${Date.now() - started} ms`);
        for (const file of readdirSync(dir).sort()) {
          const t = processTimeline(path.join(dir, file), started);
          (readPhases[kind] ??= []).push(t.readPhaseMs);
          console.log(
            `  provider process: started +${t.startMs}, first call +${t.firstCallMs}, first read ` +
              `+${t.firstReadMs} answered +${t.firstReadAnsweredMs}, last answer +${t.lastAnswerMs} (${t.calls}); ` +
              `read phase ${t.readPhaseMs} ms (after the first answer: CPU ${t.readPhaseCpuMs} ms, main thread busy ${t.readPhaseActiveMs} ms)` +
              (t.runtimeLoadMs === undefined ? "" : `, runtime loaded in ${t.runtimeLoadMs} ms`),
          );
        }
      }
    }
    for (const [kind, phases] of Object.entries(readPhases))
      console.log(`${kind}: median read phase per provider process ${percentile(phases, 50)} ms (N = ${n})`);
  } finally {
    for (const stack of Object.values(stacks)) {
      await stack.destroy();
      await stack.dispose();
    }
    await receiver.stop();
    await sandbox.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
