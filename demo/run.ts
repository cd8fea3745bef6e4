/**
 * npm run demo: the whole pipeline on this machine, nothing to sign up for.
 *   npm run demo               set up, start the DM sandbox and InfluxDB, `pulumi up` the root stack,
 *                              stream simulated device events, and show what arrived in InfluxDB
 *   npm run demo -- --serve    start the servers again and keep them running, to look around
 *   npm run demo -- --destroy  `pulumi destroy` the stack and remove everything the demo made
 */
import { InfluxDB } from "@influxdata/influxdb-client";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startSandbox } from "../sandbox";
import {
  ensurePulumiBin,
  offlinePulumiEnv,
  packageRoot as repoRoot,
  Receiver,
  startInfluxd,
} from "../testing";
import { chartHtml, type Point } from "./chart";

const demoDir = process.env.DEMO_DIR ?? path.join(repoRoot, ".demo");
const dmToken = "demo-token";
const mode = process.argv.includes("--destroy")
  ? "destroy"
  : process.argv.includes("--serve")
    ? "serve"
    : "up";
const step = (text: string) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);

function ensure(script: string): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", script)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  return out.trim().split("\n").at(-1)!;
}

/** The engine's environment for the demo stack: offline, a file backend in .demo/, a passphrase. */
function demoEnv(bin: string): Record<string, string> {
  return {
    ...offlinePulumiEnv(),
    PULUMI_BACKEND_URL: `file://${path.join(demoDir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "demo",
    PULUMI_HOME: path.join(demoDir, "home"),
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
  };
}

/** The stack, for its config and outputs (the Automation API); `pulumi` runs what a user would type. */
async function demoStack(bin: string): Promise<Stack> {
  mkdirSync(path.join(demoDir, "state"), { recursive: true });
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin) });
  const { PULUMI_HOME: pulumiHome, ...envVars } = demoEnv(bin);
  return LocalWorkspace.createOrSelectStack(
    { stackName: "demo", workDir: repoRoot },
    { pulumiCommand, pulumiHome, envVars },
  );
}

/**
 * Runs `pulumi <args>` as a user types it in the repository root, its output streamed to this terminal.
 * Asynchronously: the sandbox and the ops receiver answer from this very process meanwhile.
 */
function pulumi(bin: string, args: string[]): Promise<void> {
  console.log(`  $ pulumi ${args.join(" ")}`);
  const child = spawn(path.join(bin, "pulumi"), [...args, "--stack", "demo"], {
    cwd: repoRoot,
    env: { ...process.env, ...demoEnv(bin) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`)),
    );
  });
}

/** Simulated devices: a lifecycle story per device and an hour of readings every 5 minutes. */
function simulatedEvents(domain: string) {
  const devices = ["greenhouse-a", "greenhouse-b", "cold-store", "office", "server-room"];
  const base = {
    "greenhouse-a": 24,
    "greenhouse-b": 26,
    "cold-store": 4,
    office: 21,
    "server-room": 19,
  } as Record<string, number>;
  const now = Date.now();
  const events: object[] = devices.map((endpointName) => ({
    domain,
    endpointName,
    subtype: "deviceCreated",
    timestamp: now - 3_700_000,
  }));
  for (let minute = 60; minute >= 0; minute -= 5) {
    for (const [i, endpointName] of devices.entries()) {
      const temperature =
        base[endpointName]! + Math.sin((minute + i * 7) / 9) * 1.5 + ((minute * 7 + i * 3) % 5) / 10;
      const timestamp = now - minute * 60_000;
      events.push({
        domain,
        endpointName,
        url: "/3303/0/5700",
        value: Number(temperature.toFixed(2)),
        timestamp,
      });
      events.push({
        domain,
        endpointName,
        url: "/3304/0/5700",
        value: Number((55 + Math.cos(minute / 11 + i) * 8).toFixed(1)),
        timestamp,
      });
    }
  }
  events.push({ domain, endpointName: "office", subtype: "deviceDeleted", timestamp: now });
  return events;
}

async function main(): Promise<void> {
  step("Setting up: the Pulumi engine and InfluxDB (built once from the package registries, then cached)");
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  const bin = ensurePulumiBin();
  process.env.INFLUXD_BIN ||= ensure("ensure-influxd.sh");
  mkdirSync(demoDir, { recursive: true });

  step("Starting the DM sandbox and InfluxDB (state kept in .demo/)");
  const influx = await startInfluxd({
    dataDir: path.join(demoDir, "influxd"),
    port: Number(process.env.DEMO_INFLUXDB_PORT ?? 18086),
  });
  // A fixed port: the stack records coiote:url, and a later destroy talks to the URL the last up used.
  const sandbox = await startSandbox({
    port: Number(process.env.DEMO_SANDBOX_PORT ?? 18080),
    tokens: [dmToken],
    dataFile: path.join(demoDir, "sandbox.json"),
    defaultDomain: "/demo/",
  });
  const ops = await Receiver.start(Number(process.env.DEMO_OPS_PORT ?? 18087));
  console.log(
    `  DM sandbox: ${sandbox.url}   InfluxDB: ${influx.url} (user ${influx.username}, password ${influx.password})`,
  );
  const stopAll = async () => {
    await ops.stop();
    await sandbox.stop();
    await influx.stop();
  };

  try {
    const stack = await demoStack(bin);
    await stack.setAllConfig({
      "coiote:url": { value: sandbox.url },
      "coiote:token": { value: dmToken, secret: true },
      "coiote:domain": { value: "/demo/" },
      "influxdb:url": { value: influx.url },
      "influxdb:token": { value: influx.token, secret: true },
      "influxdb:org": { value: influx.org },
      opsWebhookUrl: { value: `${ops.url}/ops` },
      opsWebhookPassword: { value: "demo-ops-password", secret: true },
    });

    if (mode === "destroy") {
      step("pulumi destroy");
      await pulumi(bin, ["destroy", "--yes"]);
      await stack.workspace.removeStack("demo", { force: true });
      await stopAll();
      rmSync(demoDir, { recursive: true, force: true });
      console.log("\nEverything the demo made is gone (.demo/ removed).");
      return;
    }

    step("pulumi up: creating the DM event handlers (each is tested by DM on apply)");
    await pulumi(bin, ["up", "--yes"]);
    step("A second look changes nothing: DM matches the code");
    await pulumi(bin, ["preview", "--expect-no-changes"]);
    const outputs = await stack.outputs();

    if (mode === "serve") {
      console.log(
        `\nServing. DM sandbox ${sandbox.url} (token ${dmToken}), InfluxDB ${influx.url}. Ctrl-C to stop.`,
      );
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      await stopAll();
      return;
    }

    step("Streaming simulated device events into DM (5 devices, an hour of readings, lifecycle events)");
    const events = simulatedEvents("/demo/");
    const response = await fetch(`${sandbox.url}/__sandbox/events?wait=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(events),
    });
    const delivered = (await response.json()) as {
      events: number;
      deliveries: number;
      results: Array<{ ok: boolean }>;
    };
    const failed = delivered.results.filter((r) => !r.ok).length;
    console.log(`  ${delivered.events} events → ${delivered.deliveries} deliveries by DM (${failed} failed)`);

    step("Reading the points back from InfluxDB");
    const query = new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org);
    const rows = await query.collectRows<{
      _time: string;
      _field: string;
      _value: number;
      endpointName: string;
      _measurement: string;
    }>(
      `from(bucketID: "${outputs.bucketId!.value as string}") |> range(start: -3h) |> filter(fn: (r) => r._measurement == "telemetryEvent" or r._measurement == "deviceEvent")`,
    );
    // DM's own test events (from "handler-test-device-…", one per handler test on apply) are counted apart.
    const testRows = rows.filter((r) => r.endpointName.startsWith("handler-test-device-"));
    rows.splice(0, rows.length, ...rows.filter((r) => !testRows.includes(r)));
    const temperature: Point[] = rows
      .filter((r) => r._field === "/3303/0/5700")
      .map((r) => ({ device: r.endpointName, time: Date.parse(r._time), value: r._value }));
    const summary = [...new Set(rows.map((r) => r.endpointName))].sort().map((device) => {
      const mine = rows.filter((r) => r.endpointName === device && r._measurement === "telemetryEvent");
      const last = (field: string) =>
        mine
          .filter((r) => r._field === field)
          .sort((a, b) => a._time.localeCompare(b._time))
          .at(-1)?._value;
      return {
        device,
        points: mine.length,
        "last °C (/3303/0/5700)": last("/3303/0/5700"),
        "last %RH (/3304/0/5700)": last("/3304/0/5700"),
        "lifecycle events": rows.filter((r) => r.endpointName === device && r._measurement === "deviceEvent")
          .length,
      };
    });
    console.table(summary);
    console.log(`  plus ${testRows.length} points from DM's test events (testOnApply)`);
    const chartFile = path.join(demoDir, "chart.html");
    writeFileSync(chartFile, chartHtml("Temperature by device (IPSO 3303/0/5700)", "°C", temperature));

    step("The handlers, as pulumi up left them");
    console.table(
      Object.entries(outputs.handlerIds?.value ?? {}).map(([name, id]) => ({
        handler: name,
        id,
        "last test":
          (
            outputs.lastTests?.value as Record<string, { successful: boolean; message: string } | undefined>
          )?.[name]?.message ?? "-",
      })),
    );
    console.log(
      `  the ops webhook received ${ops.requests.length} requests (lifecycle events as JSON, basic auth)`,
    );

    step("Done");
    console.log(`  Chart: file://${chartFile}
  Look around:   npm run demo -- --serve       (servers back up; then e.g. curl -H 'Authorization: Bearer ${dmToken}' <sandbox>/api/coiotedm/v3/deviceEvents/handler?domain=/demo/)
                 PULUMI_BACKEND_URL=file://${path.join(demoDir, "state")} PULUMI_CONFIG_PASSPHRASE=demo pulumi stack --stack demo
  Tear it down:  npm run demo -- --destroy`);
    if (temperature.length === 0) throw new Error("no points reached InfluxDB");
    await stopAll();
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
