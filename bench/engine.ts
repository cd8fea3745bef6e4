import { cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { classify, type DmSandbox, ProgramStack } from "../testing";
import { byRole, ProcTreeSampler } from "./procs";
import { medianBy, round, timed } from "./stats";

/** One engine operation on one stack: its time, the DM calls it made and what its processes used. */
export interface OperationMeasure {
  seconds: number;
  /** DM API calls (handler API only, from the sandbox request log). */
  calls: number;
  /** Load average (1, 5, 15 min) when the operation started: the machine is shared. */
  load: string;
  /** CPU seconds per process role (engine, program, provider, ...), sampled from /proc. */
  cpuSeconds: Record<string, number>;
  /** CPU seconds of this process: the sandbox serving the DM API, plus the harness. */
  sandboxCpuSeconds: number;
  /** Peak RSS (VmHWM) of the largest dynamic-provider process, MiB. */
  providerPeakRssMiB: number;
  /** Where the operation was repeated (refresh): every run's seconds, in order; this measure is the median's. */
  runs?: number[];
}

export interface StackMeasure {
  up: OperationMeasure;
  refresh: OperationMeasure;
  destroy: OperationMeasure;
  /** The state file after `up`, bytes. */
  stateBytes: number;
  stateBytesPerResource: number;
  /** The largest provider process over the three operations, MiB. */
  providerPeakRssMiB: number;
}

type Ratios = { up: number; refresh: number; destroy: number };

export interface EngineRow {
  n: number;
  ours: StackMeasure;
  floor: StackMeasure;
  /** ours / floor, per operation. */
  ratio: Ratios;
  /** With BENCH_SHAPED=1: N no-op resources of an EventHandler's properties (bench/programs/shaped). */
  shaped?: StackMeasure;
  /** ours / shaped: what the package costs beyond the engine's own cost for resources of this size. */
  ratioToShaped?: Ratios;
}

export interface CallRow {
  operation: string;
  handlers: number;
  calls: number;
  perHandler: number;
  floor: string;
}

export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

export function handlersConfig(sandbox: DmSandbox, receiverUrl: string, n: number) {
  return {
    ...sandbox.providerConfig({ count: String(n), receiver: receiverUrl }),
    token: { value: "bench-token", secret: true },
  };
}

async function measureOperation(sandbox: DmSandbox, run: () => Promise<unknown>): Promise<OperationMeasure> {
  await sandbox.clearRequests();
  const load = loadAverage();
  const cpuBefore = process.cpuUsage();
  const sampler = new ProcTreeSampler();
  const { seconds } = await timed(run);
  const procs = sampler.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const calls = (await sandbox.requests()).filter((r) => classify(r) !== "other").length;
  const roles = byRole(procs);
  return {
    seconds: round(seconds),
    calls,
    load,
    cpuSeconds: Object.fromEntries(Object.entries(roles).map(([role, r]) => [role, round(r.cpuSeconds)])),
    sandboxCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    providerPeakRssMiB: round(roles.provider?.peakRssMiB ?? 0, 1),
  };
}

/** The shaped floor's provider, installed under the program's node_modules so it is stored by reference. */
export function installNoopProvider(stack: ProgramStack): void {
  const dir = path.join(stack.workDir, "node_modules", "bench-noop-provider");
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(stack.workDir, "noopProvider.js"), path.join(dir, "index.js"));
}

/**
 * A refresh of every size takes seconds, of which ~0.5 s is fixed (two provider processes starting), so
 * one run's ratio moves by ±0.2 with the machine's noise: it is measured BENCH_REFRESH_RUNS times
 * (default 5) and the run of median time kept, its `runs` listing every time taken.
 */
const refreshRuns = Math.max(1, Number(process.env.BENCH_REFRESH_RUNS ?? 5));

/**
 * `up` and `destroy` of up to 200 resources take seconds too, and one run of them moved a ratio by 0.2 as
 * well: up to that size the whole cycle (up, destroy) is taken BENCH_CYCLES times (default 3), the median
 * kept. Above it a single cycle takes minutes and the noise is a small share of it.
 */
function cyclesFor(n: number): number {
  return n <= 200 ? Math.max(1, Number(process.env.BENCH_CYCLES ?? 3)) : 1;
}

const operations = ["up", "refresh", "destroy"] as const;
type Operation = (typeof operations)[number];

function median(measures: OperationMeasure[]): OperationMeasure {
  const kept = medianBy(measures, (m) => m.seconds);
  return measures.length > 1 ? { ...kept, runs: measures.map((m) => m.seconds) } : kept;
}

const sides = ["ours", "floor", "shaped"] as const;
type Side = (typeof sides)[number];

/**
 * `pulumi up`, `refresh` and `destroy` of N handlers and of N no-op dynamic resources (and, with
 * `shaped`, of N no-op resources of a handler's properties), each operation of ours followed at once by
 * the floors', so all see the same machine load.
 */
export async function measureEngine(
  bin: string,
  sandbox: DmSandbox,
  receiverUrl: string,
  n: number,
  shaped = false,
): Promise<EngineRow> {
  const stacks: Partial<Record<Side, ProgramStack>> = {};
  const partial: Partial<Record<Side, Partial<StackMeasure>>> = {};
  try {
    stacks.ours = await ProgramStack.create({
      program: "bench/programs/handlers",
      pulumiBin: bin,
      config: handlersConfig(sandbox, receiverUrl, n),
    });
    stacks.floor = await ProgramStack.create({
      program: "bench/programs/noop",
      pulumiBin: bin,
      config: { count: { value: String(n) } },
    });
    if (shaped) {
      stacks.shaped = await ProgramStack.create({
        program: "bench/programs/shaped",
        pulumiBin: bin,
        config: handlersConfig(sandbox, receiverUrl, n),
      });
      installNoopProvider(stacks.shaped);
    }
    const taken: Partial<Record<Side, Partial<Record<Operation, OperationMeasure[]>>>> = {};
    // Round by round, every side once per round, so drifts of the machine's load reach all sides alike.
    const measureRound = async (op: Operation) => {
      for (const side of sides) {
        const stack = stacks[side];
        if (!stack) continue;
        ((taken[side] ??= {})[op] ??= []).push(await measureOperation(sandbox, () => stack[op]()));
        if (op === "up") {
          const measure = (partial[side] ??= {});
          measure.stateBytes = stack.stateFileText().length;
          measure.stateBytesPerResource = Math.round(measure.stateBytes / n);
        }
      }
    };
    const cycles = cyclesFor(n);
    for (let cycle = 0; cycle < cycles; cycle++) {
      await measureRound("up");
      if (cycle === 0) for (let round = 0; round < refreshRuns; round++) await measureRound("refresh");
      await measureRound("destroy");
    }
    for (const side of sides)
      for (const op of operations)
        if (taken[side]?.[op]) (partial[side] ??= {})[op] = median(taken[side][op]);
  } finally {
    for (const stack of Object.values(stacks)) await stack.dispose();
  }
  const complete = (p: Partial<StackMeasure>): StackMeasure => ({
    ...(p as StackMeasure),
    providerPeakRssMiB: Math.max(
      p.up!.providerPeakRssMiB,
      p.refresh!.providerPeakRssMiB,
      p.destroy!.providerPeakRssMiB,
    ),
  });
  const ratios = (a: StackMeasure, b: StackMeasure): Ratios => ({
    up: round(a.up.seconds / b.up.seconds),
    refresh: round(a.refresh.seconds / b.refresh.seconds),
    destroy: round(a.destroy.seconds / b.destroy.seconds),
  });
  const ours = complete(partial.ours!);
  const floor = complete(partial.floor!);
  const shapedMeasure = partial.shaped && complete(partial.shaped);
  return {
    n,
    ours,
    floor,
    ratio: ratios(ours, floor),
    ...(shapedMeasure && { shaped: shapedMeasure, ratioToShaped: ratios(ours, shapedMeasure) }),
  };
}

/**
 * Warm-up, discarded: the first stack of a run pays for loading the engine, the language host and ts-node
 * from a cold disk cache. One handler's up (and its destroy, in dispose) is enough.
 */
export async function warmUp(bin: string, sandbox: DmSandbox, receiverUrl: string): Promise<void> {
  const stack = await ProgramStack.create({
    program: "bench/programs/handlers",
    pulumiBin: bin,
    config: handlersConfig(sandbox, receiverUrl, 1),
  });
  try {
    await stack.up();
  } finally {
    await stack.dispose();
  }
}

/** The engine rows as one flat table row per N, for console.table. */
export function engineTable(rows: EngineRow[]): object[] {
  return rows.map((r) => ({
    N: r.n,
    "up s": r.ours.up.seconds,
    "floor up s": r.floor.up.seconds,
    "up ×": r.ratio.up,
    "refresh s": r.ours.refresh.seconds,
    "floor refresh s": r.floor.refresh.seconds,
    "refresh ×": r.ratio.refresh,
    "destroy s": r.ours.destroy.seconds,
    "floor destroy s": r.floor.destroy.seconds,
    "destroy ×": r.ratio.destroy,
    ...(r.shaped && {
      "shaped up/refresh/destroy s": `${r.shaped.up.seconds}/${r.shaped.refresh.seconds}/${r.shaped.destroy.seconds}`,
      "× shaped up/refresh/destroy": `${r.ratioToShaped!.up}/${r.ratioToShaped!.refresh}/${r.ratioToShaped!.destroy}`,
    }),
    "calls up/refresh/destroy": `${r.ours.up.calls}/${r.ours.refresh.calls}/${r.ours.destroy.calls}`,
    "provider RSS MiB (floor)": `${r.ours.providerPeakRssMiB} (${r.floor.providerPeakRssMiB})`,
    "state KB (floor)": `${round(r.ours.stateBytes / 1024, 0)} (${round(r.floor.stateBytes / 1024, 0)})`,
    "B/resource (floor)": `${r.ours.stateBytesPerResource} (${r.floor.stateBytesPerResource})`,
    "load at up": r.ours.up.load.split(" ")[0],
  }));
}

/** DM API calls per operation, counted from the sandbox's request log. */
export async function measureCalls(
  bin: string,
  sandbox: DmSandbox,
  receiverUrl: string,
  n: number,
): Promise<CallRow[]> {
  const stack = await ProgramStack.create({
    program: "bench/programs/handlers",
    pulumiBin: bin,
    config: handlersConfig(sandbox, receiverUrl, n),
  });
  const rows: CallRow[] = [];
  const count = async (operation: string, floor: string, run: () => Promise<unknown>) => {
    const before = (await sandbox.requests()).length;
    await run();
    const calls = (await sandbox.requestsSince(before)).filter((r) => classify(r) !== "other").length;
    rows.push({ operation, handlers: n, calls, perHandler: round(calls / n), floor });
  };
  try {
    await count("create", "1 per handler", () => stack.up());
    await stack.setConfig({ suffix: { value: "-renamed" } });
    await count("update", "1 per handler", () => stack.up());
    await count("no-op up", "0", () => stack.up());
    await count("refresh", "2 per domain: a list in the CLI's preview and again in the refresh", () =>
      stack.refresh(),
    );
    await stack.setConfig({ suffix: { value: "-tested" }, testOnApply: { value: "true" } });
    await count("update with testOnApply", "2 per handler (PUT + test)", () => stack.up());
    await count("destroy", "1 per handler", () => stack.destroy());
  } finally {
    await stack.dispose();
  }
  return rows;
}
