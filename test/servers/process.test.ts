// The server helpers must explain an early death with the process's last output instead of timing out.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startInfluxd } from "../../testing";
import { freePorts, ServerProcess, waitUntilReady } from "../../testing/servers/process";

describe("server process helpers", () => {
  const saved = process.env.INFLUXD_BIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.INFLUXD_BIN;
    else process.env.INFLUXD_BIN = saved;
  });

  it("gives distinct free ports", async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
  });

  it("rejects with the last stderr lines when the process dies before it is ready", async () => {
    const server = new ServerProcess(
      "fake",
      "bash",
      ["-c", "echo starting; echo 'fatal: port in use' >&2; exit 3"],
      {
        cwd: tmpdir(),
      },
    );
    await expect(waitUntilReady(server, async () => false, { timeoutMs: 10_000 })).rejects.toThrow(
      /fake exited with code 3 before it was ready[\s\S]*fatal: port in use/,
    );
  });

  it("startInfluxd reports an influxd that exits at once, and cleans up", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "coiote-fake-influxd-"));
    try {
      const fake = path.join(dir, "influxd");
      writeFileSync(fake, "#!/bin/sh\necho 'Error: unknown flag: --ui-disabled' >&2\nexit 1\n");
      chmodSync(fake, 0o755);
      process.env.INFLUXD_BIN = fake;
      await expect(startInfluxd()).rejects.toThrow(
        /influxd exited with code 1[\s\S]*unknown flag: --ui-disabled/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
