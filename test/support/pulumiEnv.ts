import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** The offline switches for the engine, kept in one file that the shell scripts source too. */
export function offlinePulumiEnv(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, "scripts", "pulumi-offline.env"), "utf8");
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/**
 * Runs scripts/ensure-pulumi.sh (which builds the engine on first use) and returns the bin directory it
 * prints as its last line. Progress from the build goes straight to the terminal.
 */
export function ensurePulumiBin(): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-pulumi.sh")], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const lines = out.trim().split("\n");
  const bin = lines[lines.length - 1];
  if (!bin) throw new Error("scripts/ensure-pulumi.sh printed no bin directory");
  return bin;
}
