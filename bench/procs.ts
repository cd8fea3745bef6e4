/**
 * Samples /proc for the process tree under this process (the Pulumi CLI, its language host and program,
 * the dynamic provider), so a bench run can say how much CPU each part used and how much memory the
 * provider peaked at. Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** What one process of the tree used, from its last sample. */
export interface ProcUsage {
  pid: number;
  /** What it is: engine, language-host, program, provider, provider-shim, other. */
  role: string;
  /** CPU seconds (user + system) at its last sample. */
  cpuSeconds: number;
  /** Peak resident set size in MiB: VmHWM, the kernel's own high-water mark. */
  peakRssMiB: number;
}

const clockTicks = 100; // USER_HZ on Linux

function roleOf(cmdline: string): string {
  // The host itself (node …/cmd/dynamic-provider/index.js <engine address>), not the shim's
  // `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` that finds it.
  if (cmdline.includes("dynamic-provider/index.js")) return "provider";
  if (cmdline.includes("pulumi-resource-pulumi-nodejs")) return "provider-shim";
  if (cmdline.includes("pulumi-language-nodejs")) return "language-host";
  if (cmdline.includes("@pulumi/pulumi/cmd/run") || cmdline.includes("run-plugin")) return "program";
  if (/(^|\/)pulumi\0/.test(cmdline)) return "engine";
  return "other";
}

function readStat(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after its last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    return { ppid, cpuSeconds };
  } catch {
    return undefined;
  }
}

function peakRssMiB(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** Samples every `intervalMs` until stopped; `stop()` returns every process seen, with its last sample. */
export class ProcTreeSampler {
  private readonly seen = new Map<number, ProcUsage>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root = process.pid,
    intervalMs = 100,
  ) {
    if (process.platform !== "linux") return;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const parents = new Map<number, number>();
    const cpu = new Map<number, number>();
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const stat = readStat(pid);
      if (!stat) continue;
      parents.set(pid, stat.ppid);
      cpu.set(pid, stat.cpuSeconds);
    }
    const inTree = (pid: number): boolean => {
      for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
        if (p === this.root) return true;
      return false;
    };
    for (const [pid, cpuSeconds] of cpu) {
      if (!inTree(pid)) continue;
      const known = this.seen.get(pid);
      const peak = peakRssMiB(pid);
      if (known) {
        // A shell may exec its last command: the same pid then runs another program.
        if (known.role === "provider-shim" || known.role === "other") known.role = roleOf(cmdlineOf(pid));
        known.cpuSeconds = cpuSeconds;
        if (peak > 0) known.peakRssMiB = Math.max(known.peakRssMiB, peak);
      } else {
        this.seen.set(pid, { pid, role: roleOf(cmdlineOf(pid)), cpuSeconds, peakRssMiB: peak });
      }
    }
  }

  stop(): ProcUsage[] {
    if (this.timer) {
      this.sample();
      clearInterval(this.timer);
    }
    return [...this.seen.values()];
  }
}

/** CPU seconds and peak RSS per role (peak: the largest single process of that role). */
export function byRole(usages: ProcUsage[]): Record<string, { cpuSeconds: number; peakRssMiB: number }> {
  const roles: Record<string, { cpuSeconds: number; peakRssMiB: number }> = {};
  for (const usage of usages) {
    const role = (roles[usage.role] ??= { cpuSeconds: 0, peakRssMiB: 0 });
    role.cpuSeconds += usage.cpuSeconds;
    role.peakRssMiB = Math.max(role.peakRssMiB, usage.peakRssMiB);
  }
  return roles;
}
