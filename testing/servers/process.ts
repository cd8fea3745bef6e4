// Shared plumbing for the real test servers (influxd, Kafka): free ports, the ensure-* scripts, a child
// process that remembers its last output lines, and memory readings from /proc.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { packageRoot } from "../packageRoot";

/** Free TCP ports on 127.0.0.1, all distinct (every listener is held open until all are known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === "string") throw new Error("no port from listen(0)");
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/**
 * Runs `bash scripts/<name>` and returns the last line of its stdout (the ensure-* convention). Its progress
 * (stderr) goes straight to ours, so a first-run build is visible while it happens.
 */
export function runEnsureScript(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(packageRoot, "scripts", name)], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const last = out.trim().split("\n").pop()?.trim() ?? "";
      if (code === 0 && last) resolve(last);
      else
        reject(
          new Error(`scripts/${name} failed (${signal ?? `exit code ${code}`}); see its messages above`),
        );
    });
  });
}

/** Resident memory of a process in kB (VmRSS from /proc/<pid>/status), or undefined when unavailable. */
export function rssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that dies without afterAll must not leave servers behind.
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** A server process that keeps its last output lines and can explain an early exit with them. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly lines: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv; keepLines?: number },
  ) {
    const keep = options.keepLines ?? 40;
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    installExitHook();
    live.add(this.child);
    const collect = (chunk: string): void => {
      for (const line of chunk.split("\n")) {
        if (!line.trim()) continue;
        this.lines.push(line);
        if (this.lines.length > keep) this.lines.shift();
      }
    };
    this.child.stdout?.setEncoding("utf8").on("data", collect);
    this.child.stderr?.setEncoding("utf8").on("data", collect);
    this.exited = new Promise((resolve) => {
      this.child.once("error", (err) => {
        collect(`spawn error: ${err.message}`);
        this.exitInfo ??= { code: null, signal: null };
        live.delete(this.child);
        resolve(this.exitInfo);
      });
      this.child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this.child);
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last output lines (stdout and stderr interleaved), newest last. */
  tail(): string {
    return this.lines.join("\n");
  }

  /** An error that says how the process ended, with its last output lines. */
  deathError(what: string): Error {
    const how = this.exitInfo
      ? this.exitInfo.signal
        ? `was killed by ${this.exitInfo.signal}`
        : `exited with code ${this.exitInfo.code}`
      : "is still running";
    return new Error(`${this.name} ${how} ${what}. Its last output:\n${this.tail() || "(none)"}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.running) this.child.kill("SIGKILL");
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }
}

/**
 * Polls `probe` until it returns true, failing fast with the process's last output if it dies first.
 * Probe errors count as "not yet"; the last one is reported on timeout.
 */
export async function waitUntilReady(
  server: ServerProcess,
  probe: () => Promise<boolean>,
  { timeoutMs, intervalMs = 200 }: { timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (!server.running) throw server.deathError("before it was ready");
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    if (!server.running) throw server.deathError("before it was ready");
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : "";
      throw server.deathError(`and was not ready after ${timeoutMs} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
