/**
 * How long `coiote-export --recursive` takes on a tree of 100 domains × 10 handlers in the sandbox, and how
 * many DM calls it makes. A measurement to read, not a test (no timing assertion anywhere):
 *
 *   npx ts-node --transpile-only test/export/perf.ts
 *
 * With COIOTE_EXPORT_CLI=<compiled>/export/cli.js it also times the compiled CLI, as `npx coiote-export` runs.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { exportProject } from "../../export";
import { runCli, startExportSandbox, token, workFolder } from "./dm";

const domainCount = 100;
const handlersPerDomain = 10;

async function main(): Promise<void> {
  const dm = await startExportSandbox();
  try {
    await dm.setDomainKafkaProperties("/perf/", "bootstrap.servers=127.0.0.1:9092");
    const jobs: Array<() => Promise<string>> = [];
    for (let d = 0; d < domainCount; d++) {
      const domain = `/perf/site-${String(d).padStart(3, "0")}/`;
      for (let h = 0; h < handlersPerDomain; h++) {
        jobs.push(() =>
          dm.createHandler(
            domain,
            h % 3 === 2
              ? {
                  type: "kafka",
                  name: `stream ${h}`,
                  enabled: true,
                  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
                  connectionConfig: { type: "domainProperty", topic: `t-${d}-${h}` },
                }
              : {
                  type: "webhook",
                  name: `alerts ${h}`,
                  enabled: h % 4 !== 0,
                  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", `/33${h}`] },
                  connectionConfig: {
                    uri: `http://127.0.0.1:9/site-${d}/${h}`,
                    auth: { type: "token", token: `secret-${d}-${h}` },
                    bodyTemplate: { contentType: "json", value: '{"d":"$endpointName","v":"$value"}' },
                  },
                },
          ),
        );
      }
    }
    const started = performance.now();
    for (let i = 0; i < jobs.length; i += 16) await Promise.all(jobs.slice(i, i + 16).map((job) => job()));
    console.log(
      `created ${jobs.length} handlers in ${domainCount} domains in ${Math.round(performance.now() - started)} ms`,
    );

    const out = workFolder("perf");
    await dm.clearRequests();
    const begin = performance.now();
    const result = await exportProject({
      url: dm.url,
      token,
      domain: "/perf/",
      recursive: true,
      out,
      env: {},
      warn: () => {},
    });
    const elapsed = performance.now() - begin;
    const requests = await dm.requests();
    const lists = requests.filter((r) => r.path === "/api/coiotedm/v3/deviceEvents/handler").length;
    console.log(
      `exportProject: ${result.handlers.length} handlers of ${result.domains.length} domains (the root included) in ` +
        `${Math.round(elapsed)} ms; ${requests.length} DM calls: ${lists} handler lists, ` +
        `${requests.length - lists} domain list; ${requests.filter((r) => r.method !== "GET").length} non-GET`,
    );
    rmSync(out, { recursive: true, force: true });

    // The CLI as a process: compiled (COIOTE_EXPORT_CLI=<dist>/export/cli.js) or through ts-node, whose
    // start-up (about 2 s of CPU) is then part of the figure.
    const compiled = process.env.COIOTE_EXPORT_CLI;
    const cliStarted = performance.now();
    const run = compiled
      ? await promisify(execFile)(
          process.execPath,
          [compiled, "--domain", "/perf/", "--recursive", "--out", out],
          {
            env: { PATH: process.env.PATH, COIOTE_URL: dm.url, COIOTE_TOKEN: token },
          },
        ).then(({ stdout }) => ({ status: 0, stdout }))
      : await runCli(["--domain", "/perf/", "--recursive", "--out", out], {
          COIOTE_URL: dm.url,
          COIOTE_TOKEN: token,
        });
    console.log(
      `the CLI as a process (${compiled ? "compiled" : "ts-node"}): exit ${run.status} in ` +
        `${Math.round(performance.now() - cliStarted)} ms: ${run.stdout.trim()}`,
    );
    rmSync(out, { recursive: true, force: true });
  } finally {
    await dm.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
