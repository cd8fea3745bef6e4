import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportHandlerCode, exportProject, type ExportResult } from "../../export";
import { fieldChanged, stateFromApi } from "../../provider/resources/eventHandler/model";
import { type HandlerState, updatableFields } from "../../provider/resources/eventHandler/types";
import { type EventHandler, type HandlerKind, splitSecrets } from "../../provider/schemas";
import {
  type ExportSandbox,
  linkNodeModules,
  startAddingProxy,
  prettierCheck,
  readHandler,
  runCli,
  startExportSandbox,
  token,
  typecheck,
  workFolder,
} from "./dm";
import { acme, createFixture, type CreatedFixture, fixtureSecretValues, plant } from "./fixture";
import { type Declared, evaluateProgram, secretMarker } from "./program";

const masked = "********";

/** Every file under a folder, node_modules left out. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    if (entry === "node_modules") return [];
    const full = path.join(folder, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** What a resource's arguments must be, from DM's (masked) answer: every field, secrets as config reads. */
function expectedArgs(api: Record<string, unknown>, result: ExportResult): Record<string, unknown> {
  const id = api.id as string;
  const keyOf = (field: string) => {
    const entry = result.secrets.find((s) => s.handlerId === id && s.field === field);
    if (!entry) throw new Error(`no secret key for ${field} of ${id}`);
    return secretMarker(entry.key);
  };
  const config = structuredClone(api.connectionConfig) as Record<string, unknown>;
  const auth = config.auth as Record<string, unknown> | undefined;
  for (const field of ["password", "token", "value"]) {
    if (auth?.[field] === masked) auth[field] = keyOf(`connectionConfig.auth.${field}`);
  }
  if (config.value === masked) config.value = keyOf("connectionConfig.value");
  if (typeof config.uri === "string" && config.uri.includes(masked))
    config.uri = keyOf("connectionConfig.uri");
  return {
    adoptId: id,
    type: api.type,
    name: api.name,
    domain: api.domain,
    enabled: api.enabled,
    ...(api.description ? { description: api.description } : {}),
    filter: api.filter,
    connectionConfig: config,
    allowFailures: api.allowFailures,
    testOnApply: false,
  };
}

/**
 * The provider's own adoption check (provider/resources/eventHandler/controller.ts adopt()): with the
 * secrets set as set-secrets.sh sets them, would the first `up` write anything to DM?
 */
function fieldsTheFirstUpWouldWrite(
  declared: Declared,
  api: Record<string, unknown>,
  secretValue: (key: string) => string,
): string[] {
  const unmark = (value: unknown): unknown => {
    if (typeof value === "string") {
      const match = /^<secret (\w+)>$/.exec(value);
      return match ? secretValue(match[1]!) : value;
    }
    if (Array.isArray(value)) return value.map(unmark);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmark(v)]));
    return value;
  };
  const args = unmark(declared.args) as Record<string, unknown>;
  const kind = args.type as HandlerKind;
  const { config, secrets } = splitSecrets<string>(kind, args.connectionConfig as Record<string, unknown>);
  const desired: HandlerState = {
    type: kind,
    name: args.name as string,
    enabled: (args.enabled as boolean | undefined) ?? true,
    description: (args.description as string | undefined) ?? null,
    domain: args.domain as string,
    filter: args.filter as HandlerState["filter"],
    connectionConfig: config,
    secrets,
    allowFailures: (args.allowFailures as boolean | undefined) ?? false,
    testOnApply: (args.testOnApply as boolean | undefined) ?? true,
    adoptId: args.adoptId as string,
  };
  const current = stateFromApi(api as unknown as EventHandler, desired);
  return updatableFields.filter((field) => fieldChanged(current, desired, field));
}

describe("coiote-export of a domain tree with every handler shape", () => {
  let dm: ExportSandbox;
  let fixture: CreatedFixture;
  let out: string;
  let result: ExportResult;
  let warnings: string[];
  let exportRequests: Array<{ method: string; path: string; query: string }>;
  let program: string;
  let proxy: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    dm = await startExportSandbox();
    fixture = await createFixture(dm);
    // An empty subdomain the sandbox knows of (it has Kafka properties): listed once, exported as a comment.
    await dm.setDomainKafkaProperties("/acme/empty/", "bootstrap.servers=127.0.0.1:9092");
    // A handler with a filter this package does not know (DM's alert-rule filter), put in the store directly:
    // the sandbox's API, like DM's, refuses to create one.
    const template = dm.server.store.get(fixture.ids[0]!)!;
    dm.server.store.put({
      ...template,
      id: "0123456789abcdef0123abcd",
      name: "rule based",
      filter: { type: "alertRule", ruleId: "r1" } as never,
    });
    // And a handler of a type it does not know, as a newer DM might list.
    proxy = await startAddingProxy(dm.url, acme, {
      ...(await readHandler(dm, fixture.ids[0]!)),
      id: "0123456789abcdef01234567",
      name: "alert rule",
      type: "alertRule",
    });
    // One in a domain outside the exported tree: never read.
    await dm.createHandler("/other/", {
      type: "webhook",
      name: "elsewhere",
      enabled: true,
      filter: { type: "telemetry", lwm2mUrls: ["/3"] },
      connectionConfig: { uri: "http://127.0.0.1:9/x" },
    });
    await dm.clearRequests();
    out = workFolder("tree");
    warnings = [];
    result = await exportProject({
      url: proxy.url,
      token,
      domain: "acme",
      recursive: true,
      out,
      packageSpec: "file:../..",
      env: {},
      warn: (message) => warnings.push(message),
    });
    exportRequests = await dm.requests();
    program = readFileSync(path.join(out, "index.ts"), "utf8");
    linkNodeModules(out);
  });

  afterAll(async () => {
    await proxy?.stop();
    await dm?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("writes the whole project", () => {
    const names = [
      "index.ts",
      "Pulumi.yaml",
      "package.json",
      "tsconfig.json",
      "README.md",
      "set-secrets.sh",
      ".prettierrc.json",
      ".gitignore",
    ];
    expect(result.files.map((file) => path.relative(out, file)).sort()).toEqual([...names].sort());
    for (const name of names) expect(existsSync(path.join(out, name)), name).toBe(true);
    expect(statSync(path.join(out, "set-secrets.sh")).mode & 0o111).not.toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, "package.json"), "utf8"));
    expect(manifest.main).toBe("index.ts");
    expect(manifest.dependencies["pulumi-coiote"]).toBe("file:../..");
    expect(manifest.dependencies["@pulumi/pulumi"]).toBe("3.259.0");
    expect(readFileSync(path.join(out, "Pulumi.yaml"), "utf8")).toMatch(
      /^name: coiote-acme\n[\s\S]*runtime:\n {2}name: nodejs\n/,
    );
  });

  it("reads each domain of the tree with exactly one list call, and sends DM nothing but GETs", () => {
    expect(exportRequests.filter((r) => r.method !== "GET")).toEqual([]);
    const lists = exportRequests.filter((r) => r.path === "/api/coiotedm/v3/deviceEvents/handler");
    const listed = lists
      .map((r) => decodeURIComponent(new URLSearchParams(r.query).get("domain") ?? ""))
      .sort();
    expect(listed).toEqual([acme, "/acme/empty/", plant]);
    expect(exportRequests.filter((r) => r.path === "/api/coiotedm/v3/domains")).toHaveLength(1);
    expect(exportRequests).toHaveLength(4);
    expect(result.domains).toEqual([acme, "/acme/empty/", plant]);
  });

  it("declares one resource per handler, with adoptId and every field DM returned", async () => {
    const { declared } = evaluateProgram(path.join(out, "index.ts"));
    expect(declared.map((d) => d.args.adoptId).sort()).toEqual([...fixture.ids].sort());
    expect(declared.every((d) => d.className === "EventHandler")).toBe(true);
    for (const resource of declared) {
      const api = await readHandler(dm, resource.args.adoptId as string);
      expect(JSON.parse(JSON.stringify(resource.args)), String(api.name)).toEqual(expectedArgs(api, result));
    }
  });

  it("would adopt every handler without writing to DM (the provider's own comparison)", async () => {
    const { declared } = evaluateProgram(path.join(out, "index.ts"));
    const secretValue = (key: string) => {
      const entry = result.secrets.find((s) => s.key === key)!;
      return fixture.byId.get(entry.handlerId)!.secrets[entry.field]!;
    };
    for (const resource of declared) {
      const api = await readHandler(dm, resource.args.adoptId as string);
      expect(fieldsTheFirstUpWouldWrite(resource, api, secretValue), String(api.name)).toEqual([]);
    }
  });

  it("compiles under tsc --strict and is in Prettier's format", async () => {
    const [tsc, prettier] = await Promise.all([typecheck(out), prettierCheck([out])]);
    expect(tsc).toBe("");
    expect(prettier).toBe("");
  });

  it("never writes a masked value or a secret", () => {
    for (const file of filesUnder(out)) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toContain(masked);
      for (const secret of fixtureSecretValues) expect(text, file).not.toContain(secret);
    }
  });

  it("reads each secret from its own config key, and set-secrets.sh sets each one, commented", () => {
    const expectedFields = [...fixture.byId].flatMap(([id, h]) =>
      Object.keys(h.secrets).map((field) => `${id} ${field}`),
    );
    expect(result.secrets.map((s) => `${s.handlerId} ${s.field}`).sort()).toEqual(expectedFields.sort());
    expect(new Set(result.secretKeys).size).toBe(result.secretKeys.length);
    const script = readFileSync(path.join(out, "set-secrets.sh"), "utf8");
    for (const secret of result.secrets) {
      expect(program).toContain(`config.requireSecret(${JSON.stringify(secret.key)})`);
      const command = `pulumi config set --secret ${secret.key} -- "$${secret.envVar}"`;
      expect(script).toContain(command);
      const before = script.slice(0, script.indexOf(command)).split("\n").slice(-4).join("\n");
      expect(before).toContain(`(${secret.handlerId})`);
      expect(before).toContain(secret.field);
      expect(before).toContain(JSON.stringify(secret.handlerName));
    }
    expect(script.match(/^pulumi config set --secret /gm)).toHaveLength(result.secrets.length);
    expect(result.secretKeys.find((key) => key.endsWith("Password"))).toMatch(/^alertsBasic/);
  });

  it("set-secrets.sh runs: each value from its variable, through `pulumi config set --secret`", async () => {
    // A stand-in `pulumi` on PATH that records its arguments, one call a line, values JSON-quoted.
    const bin = workFolder("fake-pulumi");
    mkdirSync(bin);
    const calls = path.join(bin, "calls.txt");
    writeFileSync(
      path.join(bin, "pulumi"),
      `#!/usr/bin/env node\nrequire("fs").appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
      { mode: 0o755 },
    );
    try {
      const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}` };
      const valueOf = (entry: (typeof result.secrets)[number]) =>
        fixture.byId.get(entry.handlerId)!.secrets[entry.field]!;
      for (const entry of result.secrets) env[entry.envVar] = valueOf(entry);
      await promisify(execFile)("bash", [path.join(out, "set-secrets.sh")], { env });
      const recorded = readFileSync(calls, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as string[]);
      expect(recorded).toEqual(
        result.secrets.map((entry) => ["config", "set", "--secret", entry.key, "--", valueOf(entry)]),
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("names resources readably and uniquely: collisions, the other domain, unicode, quotes", () => {
    const byName = (name: string, domain = acme) =>
      result.handlers.filter((h) => h.name === name && h.domain === domain).map((h) => h.resourceName);
    expect(byName("alerts")).toEqual(["alerts"]);
    expect(byName("alerts", plant)).toHaveLength(1);
    expect(byName("alerts", plant)[0]).toMatch(/^alerts-\d$/);
    expect([...byName("alerts basic"), ...byName("Alerts-Basic")].sort()).toEqual([
      "alerts-basic",
      "alerts-basic-2",
    ]);
    expect(byName('Température "salle" d\'Øst ✓')).toEqual(["temperature-salle-d-ost"]);
    expect(byName("温度センサー", plant)).toEqual(["webhook-handler"]);
    const idents = result.handlers.map((h) => h.ident);
    expect(new Set(idents).size).toBe(idents.length);
    for (const ident of idents) expect(ident).toMatch(/^[a-z][A-Za-z0-9_]*$/);
    // The name itself is written as DM has it, quotes and all.
    expect(program).toContain(`name: 'Température "salle" d\\'Øst ✓',`);
  });

  it("groups the resources by domain, with comments", () => {
    const acmeAt = program.indexOf("// Domain /acme/: ");
    const emptyAt = program.indexOf("// Domain /acme/empty/: no handlers");
    const plantAt = program.indexOf("// Domain /acme/plant-1/: ");
    expect(acmeAt).toBeGreaterThan(0);
    expect(emptyAt).toBeGreaterThan(acmeAt);
    expect(plantAt).toBeGreaterThan(emptyAt);
    for (const [id, handler] of fixture.byId) {
      const at = program.indexOf(`adoptId: "${id}"`);
      if (handler.domain === acme) expect(at > acmeAt && at < emptyAt).toBe(true);
      else expect(at).toBeGreaterThan(plantAt);
    }
    expect(program).not.toContain("elsewhere");
  });

  it("comments a webhook that writes to InfluxDB as such, with its bucket and organization", () => {
    expect(program).toContain(
      '// InfluxDB http://127.0.0.1:8086: writes line protocol to bucket "0a1b2c3d4e5f6a7b", organization id 1122334455667788, precision ms.',
    );
  });

  it("skips a handler of an unknown type or filter with a warning and a TODO, and exports the rest", () => {
    expect(result.skipped.map((s) => [s.id, s.name, s.domain]).sort()).toEqual([
      ["0123456789abcdef01234567", "alert rule", acme],
      ["0123456789abcdef0123abcd", "rule based", acme],
    ]);
    const skippedWarnings = warnings.filter((w) => w.startsWith("skipped "));
    expect(skippedWarnings).toHaveLength(2);
    expect(skippedWarnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^skipped "alert rule" \(0123456789abcdef01234567\) in \/acme\/: type "alertRule" is not/,
        ),
        expect.stringMatching(
          /^skipped "rule based" \(0123456789abcdef0123abcd\) in \/acme\/: filter type "alertRule"/,
        ),
      ]),
    );
    expect(program).toMatch(
      /\/\/ TODO: "alert rule" \(0123456789abcdef01234567\) in \/acme\/ was not exported: type "alertRule"/,
    );
    expect(program).toMatch(
      /\/\/ TODO: "rule based" \(0123456789abcdef0123abcd\) in \/acme\/ was not exported: filter type/,
    );
    expect(warnings.some((w) => w.includes('"X-Api-Key" may carry a secret'))).toBe(true);
  });

  it("the CLI writes the same project, byte for byte (stable across runs), and says what it did", async () => {
    const second = workFolder("cli");
    try {
      const run = await runCli(
        ["--domain", "/acme/", "--recursive", "--out", second, "--package-spec", "file:../.."],
        {
          COIOTE_URL: proxy.url,
          COIOTE_TOKEN: token,
        },
      );
      expect(run.stderr.trim().split("\n")).toHaveLength(3); // the warnings: two skipped, X-Api-Key
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(
        `coiote-export: wrote ${fixture.ids.length} handlers of 3 domains to ${second}; ${result.secrets.length} secrets to set with set-secrets.sh\n`,
      );
      for (const file of result.files) {
        const name = path.relative(out, file);
        expect(readFileSync(path.join(second, name), "utf8"), name).toBe(readFileSync(file, "utf8"));
      }
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it("without --recursive reads the one domain only", async () => {
    const single = workFolder("single");
    try {
      await dm.clearRequests();
      const only = await exportProject({
        url: dm.url,
        token,
        domain: plant,
        out: single,
        env: {},
        warn: () => {},
      });
      expect(only.domains).toEqual([plant]);
      expect(only.handlers.every((h) => h.domain === plant)).toBe(true);
      // Alone in its project, the plant's "alerts" gets the plain name.
      expect(only.handlers.find((h) => h.name === "alerts")?.resourceName).toBe("alerts");
      expect((await dm.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /api/coiotedm/v3/deviceEvents/handler",
      ]);
    } finally {
      rmSync(single, { recursive: true, force: true });
    }
  });

  it("--id prints one resource's code on stdout, which compiles in a program", async () => {
    const id = [...fixture.byId].find(([, h]) => h.body.name === "alerts basic")![0];
    await dm.clearRequests();
    const run = await runCli(["--id", id], { COIOTE_URL: dm.url, COIOTE_TOKEN: token });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `const alertsBasic = new EventHandler("alerts-basic", {\n  adoptId: "${id}",`,
    );
    expect(run.stdout).toContain('password: config.requireSecret("alertsBasicPassword")');
    expect(run.stdout).toContain("pulumi config set --secret alertsBasicPassword");
    expect((await dm.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/coiotedm/v3/deviceEvents/handler/${id}`,
    ]);
    const { code } = await exportHandlerCode({ url: dm.url, token, id, env: {} });
    expect(code).toBe(run.stdout);
    // Pasted into a program that has a config, it compiles and keeps Prettier's format.
    const folder = workFolder("one");
    try {
      mkdirSync(folder);
      for (const name of ["tsconfig.json", ".prettierrc.json"])
        copyFileSync(path.join(out, name), path.join(folder, name));
      writeFileSync(
        path.join(folder, "index.ts"),
        'import * as pulumi from "@pulumi/pulumi";\nimport { EventHandler } from "pulumi-coiote";\n\n' +
          `const config = new pulumi.Config();\n\n${run.stdout}\nexport const id = alertsBasic.id;\n`,
      );
      linkNodeModules(folder);
      const [tsc, prettier] = await Promise.all([typecheck(folder), prettierCheck([folder])]);
      expect(tsc).toBe("");
      expect(prettier).toBe("");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("--influx-as-integration writes an InfluxBucketIntegration with the bucket, organization and a token from config", async () => {
    const folder = workFolder("influx");
    try {
      const influx = await exportProject({
        url: dm.url,
        token,
        domain: acme,
        out: folder,
        influxAsIntegration: true,
        env: {},
        warn: () => {},
      });
      linkNodeModules(folder);
      const integration = influx.handlers.find((h) => h.name === "climate to influx")!;
      expect(integration.className).toBe("InfluxBucketIntegration");
      expect(influx.handlers.filter((h) => h.className === "InfluxBucketIntegration")).toHaveLength(1);
      const { declared } = evaluateProgram(path.join(folder, "index.ts"));
      const args = JSON.parse(
        JSON.stringify(declared.find((d) => d.className === "InfluxBucketIntegration")!.args),
      );
      expect(args).toEqual({
        influxUrl: "http://127.0.0.1:8086",
        orgId: "1122334455667788",
        bucketId: "0a1b2c3d4e5f6a7b",
        token: secretMarker("climateToInfluxInfluxToken"),
        handler: {
          name: "climate to influx",
          domain: acme,
          enabled: true,
          description: "written by hand in DM's UI",
          filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
          bodyTemplate:
            "telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType=telemetry $url=$value $timestamp",
        },
      });
      const text = readFileSync(path.join(folder, "index.ts"), "utf8");
      expect(text).toContain(`delete that one in DM after the first up`);
      expect(readFileSync(path.join(folder, "README.md"), "utf8")).toContain("InfluxBucketIntegration");
      const [tsc, prettier] = await Promise.all([typecheck(folder), prettierCheck([folder])]);
      expect(tsc).toBe("");
      expect(prettier).toBe("");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
