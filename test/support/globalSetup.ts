import { execFileSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensurePulumiBin, repoRoot } from "./pulumiEnv";

declare module "vitest" {
  export interface ProvidedContext {
    pulumiBin: string;
  }
}

/** Runs an ensure-* script (which builds or resolves on first use, showing progress) and returns its last line. */
function ensure(script: string): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", script)], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  return out.trim().split("\n").at(-1)!;
}

// Everything slow happens once, here, before any test's timeout starts: the engine, the InfluxDB build
// and the Kafka jars. Test files get the engine by inject() and the servers through the environment.
export default function setup(project: TestProject): void {
  // Programs import "pulumi-coiote" as users do; `npm install` drops the self-link, so make sure of it.
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  project.provide("pulumiBin", ensurePulumiBin());
  process.env.INFLUXD_BIN ||= ensure("ensure-influxd.sh");
  process.env.KAFKA_LIB ||= ensure("ensure-kafka.sh");
}
