#!/usr/bin/env node
import { parseArgs } from "node:util";
import { oneLine } from "./errors";
import { exportHandlerCode, exportProject } from "./index";

export const usage = `coiote-export: bring the Coiote DM event handlers of a domain under code

Reads the handlers of a DM domain and writes a ready-to-run Pulumi TypeScript project that adopts them:
one EventHandler per handler, with adoptId and every field DM returned, so the first \`pulumi up\` takes
them over without a write to DM. Only reads DM (GET requests).

Usage:
  coiote-export --domain /acme/ --out DIR [--recursive] [--force]
  coiote-export --id <handlerId>          print one handler's resource code on standard output

Options:
  --domain <d>              the domain to export (default: COIOTE_DOMAIN)
  --recursive               its subdomains too (found with GET /api/coiotedm/v3/domains)
  --out <dir>               the project folder to write (created; must be empty unless --force)
  --force                   write into a non-empty --out (the export's files are overwritten)
  --id <handlerId>          print the code of this one handler instead of writing a project
  --influx-as-integration   write webhooks that post InfluxDB line protocol to /api/v2/write as
                            InfluxBucketIntegration (which makes a new handler: see the README)
  --package-spec <spec>     how package.json depends on pulumi-coiote (default: ^<this version>;
                            e.g. file:../pulumi-coiote-0.1.0.tgz)
  --project-name <name>     the Pulumi project name (default: from the domain, e.g. coiote-acme)
  --url <url>               DM host, e.g. https://eu.iot.avsystem.cloud (default: COIOTE_URL)
  --token <token>           DM API token (default: COIOTE_TOKEN)
  --username <name>         log in with a password instead (default: COIOTE_USERNAME; the password
                            only from COIOTE_PASSWORD, never on the command line)
  --help                    this text

Secrets: DM returns passwords, tokens and Kafka properties masked, so the program reads each from stack
config (config.requireSecret) and the project's set-secrets.sh sets them, one commented command each.
COIOTE_TIMEOUT_SECONDS and COIOTE_RETRY_BUDGET_SECONDS (default 10 here) bound each DM call.
Exit status: 0 written, 1 failed (one line on standard error, nothing written), 2 wrong usage.`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        domain: { type: "string" },
        recursive: { type: "boolean", default: false },
        out: { type: "string" },
        force: { type: "boolean", default: false },
        id: { type: "string" },
        "influx-as-integration": { type: "boolean", default: false },
        "package-spec": { type: "string" },
        "project-name": { type: "string" },
        url: { type: "string" },
        token: { type: "string" },
        username: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${oneLine(error)} (see --help)`);
  }
}

/** Runs the command; returns the exit status. Output goes to the given streams. */
export async function main(
  argv: string[],
  io: { stdout: (text: string) => void; stderr: (text: string) => void } = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const warn = (message: string) => io.stderr(`coiote-export: warning: ${message}\n`);
  try {
    const values = parse(argv);
    if (values.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const connection = {
      url: values.url,
      token: values.token,
      username: values.username,
      domain: values.domain,
    };
    if (values.id !== undefined) {
      if (values.out !== undefined || values.recursive)
        throw new UsageError("--id prints one handler's code: it takes no --out or --recursive");
      const { code } = await exportHandlerCode({
        ...connection,
        id: values.id,
        influxAsIntegration: values["influx-as-integration"],
        env,
        warn,
      });
      io.stdout(code);
      return 0;
    }
    if (values.out === undefined)
      throw new UsageError("--out <dir> is required (or --id <handlerId> to print one handler)");
    const result = await exportProject({
      ...connection,
      out: values.out,
      recursive: values.recursive,
      force: values.force,
      packageSpec: values["package-spec"],
      projectName: values["project-name"],
      influxAsIntegration: values["influx-as-integration"],
      env,
      warn,
    });
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const secrets = result.secretKeys.length
      ? `; ${count(result.secretKeys.length, "secret")} to set with set-secrets.sh`
      : "";
    io.stdout(
      `coiote-export: wrote ${count(result.handlers.length, "handler")} of ${count(result.domains.length, "domain")} to ${result.outDir}${secrets}\n`,
    );
    return 0;
  } catch (error) {
    io.stderr(`coiote-export: ${oneLine(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`coiote-export: ${oneLine(error)}\n`);
      process.exitCode = 1;
    },
  );
}
