import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/repoRoot";
import { freePorts } from "../../testing";

/** The README's first command, run as a user runs it (in its own folder and ports), then torn down. */
const run = promisify(execFile);
const demoDir = mkdtempSync(path.join(tmpdir(), "coiote-demo-"));
afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

describe("npm run demo", () => {
  it("brings the pipeline up, shows points from InfluxDB, and tears everything down", async () => {
    const [sandbox, influx, ops] = (await freePorts(3)) as [number, number, number];
    const env = {
      ...process.env,
      DEMO_DIR: demoDir,
      DEMO_SANDBOX_PORT: String(sandbox),
      DEMO_INFLUXDB_PORT: String(influx),
      DEMO_OPS_PORT: String(ops),
    };
    const script = path.join(repoRoot, "scripts", "demo.sh");
    const up = await run("bash", [script], { cwd: repoRoot, env, maxBuffer: 64 * 1024 * 1024 });
    expect(up.stdout).toMatch(/136 events → 142 deliveries by DM \(0 failed\)/);
    expect(up.stdout).toMatch(/greenhouse-a\W+│ 26 /);
    expect(up.stdout).toContain("npm run demo -- --destroy");
    const down = await run("bash", [script, "--destroy"], {
      cwd: repoRoot,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(down.stdout).toContain("Everything the demo made is gone");
  });
});
