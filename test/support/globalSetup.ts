import { execFileSync } from "node:child_process";
import path from "node:path";
import { ensurePulumiBin, runEnsureScriptSync } from "../../testing";
import { repoRoot } from "./repoRoot";

// Everything slow happens once, here, before any test's timeout starts: the engine, the InfluxDB build
// and the Kafka jars. Test files (in worker processes started after this) find them through the
// environment: COIOTE_PULUMI_BIN is read by ensurePulumiBin(), the others by the server starters.
export default function setup(): void {
  // Programs import "pulumi-coiote" as users do; `npm install` drops the self-link, so make sure of it.
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  process.env.COIOTE_PULUMI_BIN = ensurePulumiBin();
  process.env.INFLUXD_BIN ||= runEnsureScriptSync("ensure-influxd.sh");
  process.env.KAFKA_LIB ||= runEnsureScriptSync("ensure-kafka.sh");
}
