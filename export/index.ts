import path from "node:path";
import { commentLines } from "./code";
import { ExportError } from "./errors";
import { assignNames, projectNameFor } from "./names";
import { assertWritableOut, writeProject } from "./output";
import type { ExportableHandler, SkippedHandler } from "./parse";
import { planResource, type ResourcePlan } from "./plan";
import { packageManifest } from "../provider/packageInfo";
import { projectFiles } from "./project";
import { type ConnectionOptions, exportSettings, readDomains, readOne } from "./read";
import { type DomainGroup, renderProgram, renderResource } from "./render";
import { SecretKeys, type SecretEntry, setSecretsScript } from "./secrets";

export { ExportError } from "./errors";
export type { SecretEntry } from "./secrets";
export type { SkippedHandler } from "./parse";

/** What `coiote-export` does, as a function: the CLI's flags, plus where warnings go. */
export interface ExportOptions extends ConnectionOptions {
  /** The project folder; created when missing. */
  out: string;
  /** Export the subdomains of `domain` too (discovered with GET /api/coiotedm/v3/domains). */
  recursive?: boolean;
  /** Write into a folder that is not empty (the export's files are overwritten, others left alone). */
  force?: boolean;
  /** How the project's package.json depends on pulumi-coiote; default `^<this package's version>`. */
  packageSpec?: string;
  /** The Pulumi project name; default from the domain, e.g. `coiote-acme`. */
  projectName?: string;
  /** Webhooks that write to InfluxDB become InfluxBucketIntegrations (see the README). */
  influxAsIntegration?: boolean;
  /** COIOTE_* variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives each warning (a handler skipped, a header that may be a secret); default: standard error. */
  warn?: (message: string) => void;
}

/** One exported resource. */
export interface ExportedHandler {
  id: string;
  name: string;
  domain: string;
  type: "webhook" | "kafka";
  className: ResourcePlan["className"];
  ident: string;
  resourceName: string;
}

export interface ExportResult {
  outDir: string;
  /** Absolute paths of the files written. */
  files: string[];
  /** The stack config keys set-secrets.sh sets, in its order. */
  secretKeys: string[];
  secrets: SecretEntry[];
  /** The domains read (one handler list each). */
  domains: string[];
  handlers: ExportedHandler[];
  skipped: SkippedHandler[];
  warnings: string[];
}

const defaultWarn = (message: string) => process.stderr.write(`coiote-export: warning: ${message}\n`);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The DM host the handlers came from, for comments (never credentials). */
function sourceOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

function skippedWarning(skipped: SkippedHandler): string {
  const who = skipped.name !== undefined ? JSON.stringify(skipped.name) : "a handler";
  return `skipped ${who}${skipped.id ? ` (${skipped.id})` : ""} in ${skipped.domain}: ${skipped.reason}`;
}

const fallbackOf = (handler: ExportableHandler) => `${handler.type} handler`;

/**
 * Reads the handlers of a domain (and its subdomains when `recursive`) and writes a Pulumi TypeScript
 * project that adopts them: index.ts, Pulumi.yaml, package.json, tsconfig.json, README.md,
 * set-secrets.sh. Only GETs reach DM: one handler list per domain, plus the domain list when recursive.
 */
export async function exportProject(options: ExportOptions): Promise<ExportResult> {
  const warn = options.warn ?? defaultWarn;
  const settings = exportSettings(options, options.env ?? process.env);
  const out = path.resolve(options.out);
  assertWritableOut(out, options.force ?? false);
  const recursive = options.recursive ?? false;
  const reads = await readDomains(settings, recursive);
  const root = settings.domain!;

  const exportable = reads.flatMap((read) => read.results.flatMap((r) => (r.ok ? [r.handler] : [])));
  const skipped = reads.flatMap((read) => read.results.flatMap((r) => (r.ok ? [] : [r.skipped])));
  const where = recursive ? `domain ${root} or its subdomains (${reads.length} domains)` : `domain ${root}`;
  if (exportable.length === 0 && skipped.length === 0)
    throw new ExportError(`no handlers in ${where}: nothing to export`);
  if (exportable.length === 0)
    throw new ExportError(
      `none of the ${skipped.length} handlers in ${where} can be exported: ${skippedWarning(skipped[0]!)}`,
    );

  const names = assignNames(
    exportable.map((h) => ({ id: h.id, name: h.name, fallback: fallbackOf(h), createdAt: h.createdAt })),
  );
  const secrets = new SecretKeys();
  const warnings = skipped.map(skippedWarning);
  const byDomain = new Map<string, DomainGroup>();
  for (const read of reads) byDomain.set(read.domain, { domain: read.domain, plans: [], skipped: [] });
  const group = (domain: string) => {
    let found = byDomain.get(domain);
    if (!found) byDomain.set(domain, (found = { domain, plans: [], skipped: [] }));
    return found;
  };
  const ordered = [...exportable].sort(
    (a, b) =>
      compare(a.domain, b.domain) ||
      compare(a.name.toLowerCase(), b.name.toLowerCase()) ||
      compare(a.name, b.name) ||
      compare(a.id, b.id),
  );
  for (const handler of ordered) {
    const plan = planResource(handler, names.get(handler.id)!, secrets, options);
    warnings.push(...plan.warnings);
    group(handler.domain).plans.push(plan);
  }
  for (const s of skipped) group(s.domain).skipped.push(s);
  const groups = [...byDomain.values()].sort((a, b) => compare(a.domain, b.domain));
  for (const message of warnings) warn(message);

  const source = sourceOf(settings.baseUrl);
  const program = renderProgram(
    { source, domain: root, recursive, usesConfig: secrets.entries.length > 0 },
    groups,
  );
  const manifest = packageManifest();
  const plans = groups.flatMap((g) => g.plans);
  const files = projectFiles(
    {
      projectName: options.projectName ?? projectNameFor(root),
      packageSpec: options.packageSpec ?? `^${manifest.version}`,
      domain: root,
      recursive,
      source,
      handlerCount: plans.length,
      domainCount: groups.length,
      secretCount: secrets.entries.length,
      skippedCount: skipped.length,
      integrationCount: plans.filter((p) => p.className === "InfluxBucketIntegration").length,
      program,
      setSecrets: setSecretsScript(secrets.entries),
    },
    manifest,
  );
  return {
    outDir: out,
    files: writeProject(out, files),
    secretKeys: secrets.entries.map((e) => e.key),
    secrets: secrets.entries,
    domains: reads.map((r) => r.domain),
    handlers: plans.map((p) => ({
      id: p.handler.id,
      name: p.handler.name,
      domain: p.handler.domain,
      type: p.handler.type,
      className: p.className,
      ident: p.names.ident,
      resourceName: p.names.resourceName,
    })),
    skipped,
    warnings,
  };
}

export interface ExportOneOptions extends ConnectionOptions {
  id: string;
  influxAsIntegration?: boolean;
  env?: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
}

/** The code of one handler's resource (`--id`), to paste into an existing program. One GET. */
export async function exportHandlerCode(
  options: ExportOneOptions,
): Promise<{ code: string; secrets: SecretEntry[] }> {
  const warn = options.warn ?? defaultWarn;
  const settings = exportSettings(options, options.env ?? process.env);
  const result = await readOne(settings, options.id);
  if (!result.ok)
    throw new ExportError(`cannot export ${skippedWarning(result.skipped).replace(/^skipped /, "")}`);
  const handler = result.handler;
  const names = assignNames([{ id: handler.id, name: handler.name, fallback: fallbackOf(handler) }]).get(
    handler.id,
  )!;
  const secrets = new SecretKeys();
  const plan = planResource(handler, names, secrets, options);
  for (const message of plan.warnings) warn(message);
  const needs = secrets.entries.length
    ? [
        `Needs \`const config = new pulumi.Config();\` and the stack secret${secrets.entries.length === 1 ? "" : "s"}:`,
        ...secrets.entries.map((e) => `  pulumi config set --secret ${e.key} ...   # ${e.field}: ${e.hint}`),
      ]
    : [];
  const code = `${needs.length ? `${commentLines(needs)}\n` : ""}${renderResource(plan)}\n`;
  return { code, secrets: secrets.entries };
}
