/**
 * Where the time of `pulumi up`/`refresh`/`destroy` goes, for N EventHandlers and for N no-op dynamic
 * resources (the floor) and for N no-op resources of an EventHandler's properties (the shaped floor), in one
 * run on this machine.
 *
 *   ts-node --transpile-only bench/profile.ts capture [N ...]   (default 200 1000; out: /tmp/prof)
 *   ts-node --transpile-only bench/profile.ts summarize <dir with .cpuprofile files> [top]
 *
 * `capture` runs each stack with NODE_OPTIONS=--cpu-prof (so the program and the dynamic provider, both
 * Node.js processes started by the engine, write a V8 CPU profile when they exit), samples the process
 * tree's CPU and peak RSS from /proc, times every DM API request on the sandbox's own server (from the
 * request's arrival to the last byte of the answer), and records the state file's size. Per phase it
 * writes <out>/<kind>-<N>/<phase>/ with the profiles and a summary.json, and prints a breakdown.
 *
 * `summarize` reads V8 .cpuprofile files and prints self and total time by function, by file and by
 * package (total: time with the function anywhere on the stack, counted once per sample).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { DmSandbox, ensurePulumiBin, packageRoot, ProgramStack, Receiver } from "../testing";
import { handlersConfig, installNoopProvider } from "./engine";
import { byRole, ProcTreeSampler } from "./procs";
import { percentile, round } from "./stats";

// ---------------------------------------------------------------------------------------------------
// .cpuprofile analysis

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Ranked {
  name: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  file: string;
  /** program, provider or other: guessed from the scripts the profile ran. */
  role: string;
  wallMs: number;
  /** Sampled time that was not idle: JS, GC, native. */
  busyMs: number;
  idleMs: number;
  gcMs: number;
  functions: Ranked[];
  files: Ranked[];
  packages: Ranked[];
}

const special = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

function shortUrl(url: string): string {
  if (url === "") return "(native)";
  const clean = url.replace(/^file:\/\//, "");
  const nm = clean.lastIndexOf("/node_modules/");
  if (nm >= 0) return clean.slice(nm + "/node_modules/".length);
  const root = packageRoot.replace(/\/$/, "");
  if (clean.startsWith(root)) return clean.slice(root.length + 1);
  const work = clean.indexOf("/program/");
  if (work >= 0) return `(program)/${clean.slice(work + "/program/".length)}`;
  return clean;
}

function packageOf(file: string): string {
  if (file.startsWith("node:")) return "node (built-in)";
  if (file.startsWith("(")) return file;
  const parts = file.split("/");
  if (parts[0]!.startsWith("@")) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === "dist" || parts[0] === "provider" || parts[0] === "sdk")
    return `pulumi-coiote/${parts[0] === "dist" ? parts[1] : parts[0]}`;
  return parts[0]!;
}

function rank(self: Map<string, number>, total: Map<string, number>, top: number): Ranked[] {
  return [...total.entries()]
    .map(([name, totalUs]) => ({
      name,
      selfMs: round((self.get(name) ?? 0) / 1000, 1),
      totalMs: round(totalUs / 1000, 1),
    }))
    .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs)
    .slice(0, top);
}

/** One process's profile from its chunks (see profHook.cjs), or from one --cpu-prof file. */
export function summarizeProfile(files: string[], top = 25): ProfileSummary {
  const summaries = files.map((file) => {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    return { profile, ...tally(profile) };
  });
  const first = summaries[0]!;
  const merge = (pick: (t: Tally) => Map<string, number>) => {
    const out = new Map<string, number>();
    for (const s of summaries) for (const [k, v] of pick(s)) out.set(k, (out.get(k) ?? 0) + v);
    return out;
  };
  const sum = (pick: (t: Tally) => number) => summaries.reduce((acc, s) => acc + pick(s), 0);
  const roles = summaries.map((s) => s.role);
  return {
    file: path.basename(files[0]!) + (files.length > 1 ? ` (+${files.length - 1} chunks)` : ""),
    role: roles.find((r) => r !== "other") ?? first.role,
    wallMs: round(sum((s) => s.wallUs) / 1000, 1),
    busyMs: round((sum((s) => s.sampledUs) - sum((s) => s.idleUs)) / 1000, 1),
    idleMs: round(sum((s) => s.idleUs) / 1000, 1),
    gcMs: round(sum((s) => s.gcUs) / 1000, 1),
    functions: rank(
      merge((t) => t.fnSelf),
      merge((t) => t.fnTotal),
      top,
    ),
    files: rank(
      merge((t) => t.fileSelf),
      merge((t) => t.fileTotal),
      top,
    ),
    packages: rank(
      merge((t) => t.pkgSelf),
      merge((t) => t.pkgTotal),
      top,
    ),
  };
}

interface Tally {
  role: string;
  wallUs: number;
  sampledUs: number;
  idleUs: number;
  gcUs: number;
  fnSelf: Map<string, number>;
  fnTotal: Map<string, number>;
  fileSelf: Map<string, number>;
  fileTotal: Map<string, number>;
  pkgSelf: Map<string, number>;
  pkgTotal: Map<string, number>;
}

function tally(profile: CpuProfile): Tally {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const urls = new Set(profile.nodes.map((n) => n.callFrame.url));
  const role = [...urls].some((u) => u.includes("cmd/dynamic-provider"))
    ? "provider"
    : [...urls].some((u) => u.includes("cmd/run"))
      ? "program"
      : "other";

  const fnKey = (f: CallFrame) =>
    special.has(f.functionName)
      ? f.functionName
      : `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  const fileKey = (f: CallFrame) => (special.has(f.functionName) ? f.functionName : shortUrl(f.url));
  const maps = {
    fnSelf: new Map<string, number>(),
    fnTotal: new Map<string, number>(),
    fileSelf: new Map<string, number>(),
    fileTotal: new Map<string, number>(),
    pkgSelf: new Map<string, number>(),
    pkgTotal: new Map<string, number>(),
  };
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let idle = 0;
  let gc = 0;
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attribute the gap after it to it (the next delta).
    const us = profile.timeDeltas[i + 1] ?? 0;
    sampled += us;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === "(idle)") {
      idle += us;
      return;
    }
    if (leaf.callFrame.functionName === "(garbage collector)") gc += us;
    add(maps.fnSelf, fnKey(leaf.callFrame), us);
    add(maps.fileSelf, fileKey(leaf.callFrame), us);
    add(maps.pkgSelf, packageOf(fileKey(leaf.callFrame)), us);
    const fns = new Set<string>();
    const files = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      if (node.callFrame.functionName === "(root)") break;
      fns.add(fnKey(node.callFrame));
      files.add(fileKey(node.callFrame));
    }
    for (const fn of fns) add(maps.fnTotal, fn, us);
    for (const f of files) add(maps.fileTotal, f, us);
    for (const p of new Set([...files].map(packageOf))) add(maps.pkgTotal, p, us);
  });
  return {
    role,
    wallUs: profile.endTime - profile.startTime,
    sampledUs: sampled,
    idleUs: idle,
    gcUs: gc,
    ...maps,
  };
}

function printSummary(summary: ProfileSummary, top: number): void {
  console.log(
    `\n== ${summary.role} (${summary.file}): wall ${summary.wallMs} ms, busy ${summary.busyMs} ms, idle ${summary.idleMs} ms, GC ${summary.gcMs} ms`,
  );
  const show = (title: string, rows: Ranked[]) => {
    console.log(`-- ${title} (ms)`);
    for (const row of rows.slice(0, top))
      console.log(`${String(row.selfMs).padStart(9)} ${String(row.totalMs).padStart(9)}  ${row.name}`);
  };
  console.log("     self     total");
  show("by package", summary.packages);
  show("by file", summary.files);
  show("by function, by self time", summary.functions);
  show(
    "by function, by total time",
    [...summary.functions].sort((a, b) => b.totalMs - a.totalMs),
  );
}

/** Every process profiled in `dir`: chunks named <role>.<pid>.<seq>.cpuprofile are merged per pid. */
export function summarizeDir(dir: string, top = 25): ProfileSummary[] {
  const groups = new Map<string, string[]>();
  for (const f of readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort()) {
    const chunk = /^(\w+)\.(\d+)\.\d+\.cpuprofile$/.exec(f);
    const key = chunk ? `${chunk[1]}.${chunk[2]}` : f;
    groups.set(key, [...(groups.get(key) ?? []), path.join(dir, f)]);
  }
  return [...groups.values()].map((files) => summarizeProfile(files, top));
}

/** The engine's own CPU profile (pulumi --profiling), as `go tool pprof -top` prints it, when Go is there. */
function goPprofTop(bin: string, dir: string): string {
  const cpu = readdirSync(dir).find((f) => /^engine\.\d+\.cpu$/.test(f));
  if (!cpu) return "no engine profile";
  try {
    return execFileSync(
      "go",
      ["tool", "pprof", "-top", "-nodecount=40", path.join(bin, "pulumi"), path.join(dir, cpu)],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  } catch (error) {
    return `go tool pprof failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// capture

interface RequestTiming {
  method: string;
  route: string;
  startMs: number;
  ms: number;
}

/** Times every DM API request on the sandbox's own HTTP server, from arrival to the answer's last byte. */
function timeRequests(sandbox: DmSandbox): { take: () => RequestTiming[] } {
  let timings: RequestTiming[] = [];
  sandbox.server.app.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "";
    if (!url.startsWith("/api/")) return;
    const started = performance.now();
    res.on("finish", () => {
      const route = url
        .split("?")[0]!
        .replace(/\/[0-9a-f]{24}$/, "/:id")
        .replace("/api/coiotedm/v3/deviceEvents/handler", "…/handler");
      timings.push({ method: req.method ?? "", route, startMs: started, ms: performance.now() - started });
    });
  });
  return {
    take: () => {
      const taken = timings;
      timings = [];
      return taken;
    },
  };
}

function requestStats(timings: RequestTiming[]) {
  const groups = new Map<string, number[]>();
  for (const t of timings) {
    const key = `${t.method} ${t.route}`;
    groups.set(key, [...(groups.get(key) ?? []), t.ms]);
  }
  const starts = timings.map((t) => t.startMs);
  return {
    count: timings.length,
    /** From the first request's arrival to the last one's. */
    spanSeconds: starts.length ? round((Math.max(...starts) - Math.min(...starts)) / 1000) : 0,
    /** Sum of server-side latencies, and the most in flight at once. */
    serverSeconds: round(timings.reduce((s, t) => s + t.ms, 0) / 1000),
    maxInFlight: maxConcurrency(timings),
    routes: Object.fromEntries(
      [...groups].map(([key, ms]) => [
        key,
        {
          count: ms.length,
          p50: round(percentile(ms, 50)),
          p95: round(percentile(ms, 95)),
          max: round(Math.max(...ms)),
          // First vs last tenth: does a request get slower as the store fills?
          firstTenthMean: round(mean(ms.slice(0, Math.max(1, Math.floor(ms.length / 10))))),
          lastTenthMean: round(mean(ms.slice(-Math.max(1, Math.floor(ms.length / 10))))),
        },
      ]),
    ),
  };
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

function maxConcurrency(timings: RequestTiming[]): number {
  const edges = timings.flatMap((t) => [
    [t.startMs, 1],
    [t.startMs + t.ms, -1],
  ]);
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let current = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (current += d!));
  return max;
}

function uptime(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function capture(sizes: number[], outRoot: string): Promise<void> {
  execFileSync(process.execPath, [path.join(packageRoot, "scripts", "link-self.cjs")]);
  const bin = ensurePulumiBin();
  const sandbox = await DmSandbox.start({ masking: true });
  const receiver = await Receiver.start();
  const requests = timeRequests(sandbox);
  const report: Record<string, unknown> = {};
  try {
    for (const n of sizes) {
      for (const kind of ["noop", "shaped", "handlers"] as const) {
        const label = `${kind}-${n}`;
        const dir = path.join(outRoot, label);
        rmSync(dir, { recursive: true, force: true });
        const profDir = path.join(dir, "raw");
        mkdirSync(profDir, { recursive: true });
        const stack = await ProgramStack.create({
          program: `bench/programs/${kind}`,
          pulumiBin: bin,
          config:
            kind === "noop" ? { count: { value: String(n) } } : handlersConfig(sandbox, receiver.url, n),
          env: {
            NODE_OPTIONS: `--require ${path.join(packageRoot, "bench", "profHook.cjs")}`,
            BENCH_PROF_DIR: profDir,
          },
        });
        if (kind === "shaped") installNoopProvider(stack);
        const phases: Record<string, unknown> = {};
        try {
          for (const phase of ["up", "refresh", "destroy"] as const) {
            const phaseDir = path.join(dir, phase);
            mkdirSync(phaseDir, { recursive: true });
            const load = uptime();
            const cpuBefore = process.cpuUsage();
            const sampler = new ProcTreeSampler();
            requests.take();
            const started = performance.now();
            const args =
              phase === "up"
                ? ["up", "--yes"]
                : phase === "refresh"
                  ? ["refresh", "--yes"]
                  : ["destroy", "--yes"];
            const result = await stack.run([...args, "--profiling", path.join(phaseDir, "engine")]);
            const seconds = (performance.now() - started) / 1000;
            const procs = sampler.stop();
            const cpu = process.cpuUsage(cpuBefore);
            const stateBytes = phase === "destroy" ? 0 : stack.stateFileText().length;
            for (const f of readdirSync(profDir)) renameSync(path.join(profDir, f), path.join(phaseDir, f));
            const profiles = summarizeDir(phaseDir, 40);
            const engineTop = goPprofTop(bin, phaseDir);
            const summary = {
              seconds: round(seconds),
              loadBefore: load,
              loadAfter: uptime(),
              cpuByRole: byRole(procs),
              // The sandbox (and this harness) run in this process.
              benchProcessCpuSeconds: round((cpu.user + cpu.system) / 1e6),
              stateBytes,
              stateBytesPerResource: round(stateBytes / n),
              requests: requestStats(requests.take()),
              profiles: profiles.map(({ functions, files, packages, ...rest }) => ({
                ...rest,
                packages: packages.slice(0, 12),
                files: files.slice(0, 15),
                functions: functions.slice(0, 25),
              })),
            };
            writeFileSync(path.join(phaseDir, "summary.json"), JSON.stringify(summary, null, 2));
            writeFileSync(path.join(phaseDir, "stdout.txt"), result.stdout);
            writeFileSync(path.join(phaseDir, "engine-pprof.txt"), engineTop);
            if (phase === "up") writeFileSync(path.join(dir, "state.json"), stack.stateFileText());
            phases[phase] = summary;
            console.error(
              `[profile] ${label} ${phase}: ${round(seconds)} s (load ${load}); cpu ${JSON.stringify(summary.cpuByRole)}; bench process ${summary.benchProcessCpuSeconds} s; state ${stateBytes} B; ${summary.requests.count} requests`,
            );
          }
        } finally {
          await stack.dispose();
        }
        report[label] = phases;
      }
    }
  } finally {
    await receiver.stop();
    await sandbox.stop();
  }
  writeFileSync(path.join(outRoot, "report.json"), JSON.stringify(report, null, 2));
  console.error(`[profile] written ${path.join(outRoot, "report.json")}`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "summarize" && rest[0]) {
    const top = Number(rest[1] ?? 25);
    for (const summary of summarizeDir(rest[0], top)) printSummary(summary, top);
    return;
  }
  if (command === "capture") {
    const sizes = rest.length ? rest.map(Number) : [200, 1000];
    await capture(sizes, process.env.PROFILE_OUT ?? "/tmp/prof");
    return;
  }
  console.error("usage: profile.ts capture [N ...] | summarize <dir> [top]");
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
