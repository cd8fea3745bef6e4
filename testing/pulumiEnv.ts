import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "./packageRoot";

/**
 * The offline switches for the engine (no update check, no plugin downloads, a local backend), kept in one
 * file that the shell scripts source too.
 */
export function offlinePulumiEnv(): Record<string, string> {
  const text = readFileSync(path.join(packageRoot, "scripts", "pulumi-offline.env"), "utf8");
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/** Runs one of the package's ensure-* scripts (which builds or fetches on first use) and returns its last line. */
export function runEnsureScriptSync(script: string, args: string[] = []): string {
  const out = execFileSync("bash", [path.join(packageRoot, "scripts", script), ...args], {
    cwd: packageRoot,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const last = out.trim().split("\n").at(-1);
  if (!last) throw new Error(`scripts/${script} printed nothing`);
  return last;
}

let pulumiBin: string | undefined;

/**
 * The bin directory of a Pulumi engine that works with this package: COIOTE_PULUMI_BIN when set (a test
 * runner's global setup resolves it once for all workers), else scripts/ensure-pulumi.sh, which takes a
 * recent enough `pulumi` from PATH, the cache, or builds it from the Go module proxy on first use
 * (progress goes to the terminal). Resolved once per process.
 */
export function ensurePulumiBin(): string {
  pulumiBin ??= process.env.COIOTE_PULUMI_BIN || runEnsureScriptSync("ensure-pulumi.sh");
  return pulumiBin;
}
