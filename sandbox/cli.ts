#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startSandbox } from "./index";

const usage = `coiote-sandbox: a local emulator of the Coiote DM event-handler API that really delivers events

Options:
  --port <n>              port to listen on (default 8080; 0 = any free port)
  --bind <address>        address to bind (default 127.0.0.1; the admin API trusts local requests)
  --admin-token <token>   admin API (/__sandbox/) requests need Authorization: Bearer <token>
  --token <token>         accept this static bearer token (repeatable)
  --user <name:password[:domain]>  a user for the password grant (repeatable)
  --service-account <id:secret[:domain]>  a service account for the client_credentials grant (repeatable)
  --token-ttl <seconds>   lifetime of issued tokens (default 300)
  --data-file <path>      keep handlers across restarts in this JSON file (default: in memory)
  --default-domain <d>    domain of static tokens and of users without one (default /sandbox/)
  --no-masking            return secrets in clear on reads (default: masked as ********)
  --strict                reject what DM's sources disagree on (the plural "domainProperties")
  --restrict-internal     refuse loopback and private targets (codes 4005/4006)
  --delivery-timeout <ms> timeout of one delivery (default 5000)
  --no-kafka              do not produce to Kafka (Kafka deliveries and tests then fail, saying so)
  --verbose               log requests
  --help`;

/** `a:b[:domain]` of --user and --service-account. */
function credentials(flag: string, form: string, spec: string): [string, string, string | undefined] {
  const [first, second, domain] = spec.split(":");
  if (!first || !second) throw new Error(`--${flag} wants ${form}[:domain], got "${spec}"`);
  return [first, second, domain];
}

/** A whole number flag within bounds; a typo must stop the command, not become NaN further down. */
function integerFlag(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    throw new Error(`--${name} wants a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      bind: { type: "string", default: "127.0.0.1" },
      "admin-token": { type: "string" },
      token: { type: "string", multiple: true, default: [] },
      user: { type: "string", multiple: true, default: [] },
      "service-account": { type: "string", multiple: true, default: [] },
      "token-ttl": { type: "string", default: "300" },
      "data-file": { type: "string" },
      "default-domain": { type: "string", default: "/sandbox/" },
      "no-masking": { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      "restrict-internal": { type: "boolean", default: false },
      "delivery-timeout": { type: "string", default: "5000" },
      "no-kafka": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const users = values.user
    .map((spec) => credentials("user", "name:password", spec))
    .map(([username, password, domain]) => ({ username, password, domain }));
  const serviceAccounts = values["service-account"]
    .map((spec) => credentials("service-account", "id:secret", spec))
    .map(([clientId, clientSecret, domain]) => ({ clientId, clientSecret, domain }));
  if (values["admin-token"] !== undefined && !/^\S+$/.test(values["admin-token"]))
    throw new Error("--admin-token wants a non-empty token without spaces");
  if (values.token.length === 0 && users.length === 0 && serviceAccounts.length === 0)
    console.error(
      "coiote-sandbox: warning: no --token, --user or --service-account given, so no DM API call can authenticate",
    );
  const sandbox = await startSandbox({
    port: integerFlag("port", values.port, 0, 65_535),
    host: values.bind,
    adminToken: values["admin-token"],
    tokens: values.token,
    users,
    serviceAccounts,
    tokenTtlSeconds: integerFlag("token-ttl", values["token-ttl"], 1, 31_536_000),
    dataFile: values["data-file"],
    defaultDomain: values["default-domain"],
    masking: !values["no-masking"],
    strict: values.strict,
    restrictInternal: values["restrict-internal"],
    deliveryTimeoutMs: integerFlag("delivery-timeout", values["delivery-timeout"], 1, 600_000),
    verbose: values.verbose,
    // Real delivery through @platformatic/kafka is startSandbox's default (undefined); null turns it off.
    kafka: values["no-kafka"] ? null : undefined,
  });
  console.log(`coiote-sandbox listening on ${sandbox.url}`);
  const stop = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`coiote-sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
