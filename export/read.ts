import { TokenSource } from "../provider/client/auth";
import { DmClient } from "../provider/client/dmClient";
import { ConfigurationError, type ConfigSource, type DmSettings, readDmSettings } from "../provider/config";
import { domainsApiPath, handlerIdPattern, normalizeDomain } from "../provider/schemas";
import { ExportError } from "./errors";
import { parseHandler, type ParseResult } from "./parse";

/** What the command line may say about the DM connection; the COIOTE_* environment fills in the rest. */
export interface ConnectionOptions {
  url?: string;
  token?: string;
  username?: string;
  /** The domain to export; COIOTE_DOMAIN when unset. */
  domain?: string;
}

/** An export gives up sooner than `pulumi up` (120 s) when DM does not answer: someone is waiting. */
const defaultRetryBudgetSeconds = "10";

/**
 * The same settings the provider reads (provider/config.ts), from flags first, then COIOTE_* variables.
 * A missing URL or credential is named by its flag.
 */
export function exportSettings(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): DmSettings {
  const flags: Record<string, string | undefined> = {
    "coiote:url": options.url,
    "coiote:token": options.token,
    "coiote:username": options.username,
    "coiote:domain": options.domain,
  };
  const source: ConfigSource = { get: (key) => flags[key] };
  const has = (flag: string | undefined, variable: string) => Boolean(flag || env[variable]);
  if (!has(options.url, "COIOTE_URL"))
    throw new ExportError("no DM URL: give --url https://your-dm-host (or set COIOTE_URL)");
  if (
    !has(options.token, "COIOTE_TOKEN") &&
    !(has(options.username, "COIOTE_USERNAME") && env.COIOTE_PASSWORD)
  )
    throw new ExportError(
      "no DM credentials: give --token (or set COIOTE_TOKEN), or --username (or COIOTE_USERNAME) with COIOTE_PASSWORD",
    );
  try {
    return readDmSettings(source, { COIOTE_RETRY_BUDGET_SECONDS: defaultRetryBudgetSeconds, ...env });
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new ExportError(error.message.replace("coiote:url (or COIOTE_URL)", "--url (or COIOTE_URL)"));
    throw error;
  }
}

/** The handlers of one domain, as DM listed them (each one exportable or skipped with a reason). */
export interface DomainRead {
  domain: string;
  results: ParseResult[];
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function listParser(domain: string) {
  return (body: unknown): ParseResult[] => {
    if (!Array.isArray(body))
      throw new ExportError(`DM's answer to the handler list of domain ${domain} is not a list`);
    return body.map((raw) => parseHandler(raw, domain));
  };
}

/**
 * The domains DM knows under `root` (root included): `GET /api/coiotedm/v3/domains`, which answers the
 * ids of the domains the caller can see (the sandbox's routes/domains.ts).
 */
async function subdomains(client: DmClient, settings: DmSettings, root: string): Promise<string[]> {
  const tokens = new TokenSource(settings.baseUrl, settings.credentials, client.http);
  const response = await client.http.send(
    {
      method: "GET",
      url: `${settings.baseUrl}${domainsApiPath}`,
      headers: { authorization: `Bearer ${await tokens.token()}` },
      operation: "list domains (for --recursive)",
      idempotent: true,
    },
    [],
  );
  const body = response.body;
  if (!Array.isArray(body))
    throw new ExportError(`DM's answer to GET ${domainsApiPath} is not a list of domains`);
  const ids = body.map((entry: unknown) =>
    typeof entry === "string" ? entry : (entry as { id?: unknown } | null)?.id,
  );
  if (ids.some((id) => typeof id !== "string"))
    throw new ExportError(`DM's answer to GET ${domainsApiPath} is not a list of domain ids`);
  const below = new Set((ids as string[]).map(normalizeDomain).filter((domain) => domain.startsWith(root)));
  below.add(root);
  return [...below].sort();
}

/** How many handler lists are read at once. */
const concurrentLists = 8;

/**
 * Reads the handlers of `domain` (and, when `recursive`, of every subdomain DM knows): exactly one list
 * call per domain, only GETs. The client is closed at the end.
 */
export async function readDomains(settings: DmSettings, recursive: boolean): Promise<DomainRead[]> {
  const root = settings.domain;
  if (!root) throw new ExportError("no domain to export: give --domain /your/domain/ (or set COIOTE_DOMAIN)");
  const client = new DmClient(settings);
  try {
    const domains = recursive ? await subdomains(client, settings, root) : [root];
    return await mapLimit(domains, concurrentLists, async (domain) => ({
      domain,
      results: await client.list(domain, listParser(domain)),
    }));
  } finally {
    await client.close();
  }
}

/** Reads one handler by id (one GET); an id DM does not know is an error. */
export async function readOne(settings: DmSettings, id: string): Promise<ParseResult> {
  if (!handlerIdPattern.test(id))
    throw new ExportError(
      `--id ${JSON.stringify(id)} is not a DM handler id (24 lowercase hexadecimal characters)`,
    );
  const client = new DmClient(settings);
  try {
    // The handler's own domain field wins; "" marks an answer without one.
    const found = await client.get(id, id, (body) => parseHandler(body, settings.domain ?? ""));
    if (!found) throw new ExportError(`DM has no handler ${id} (or this token cannot see it)`);
    const domain = found.ok ? found.handler.domain : found.skipped.domain;
    if (domain === "")
      throw new ExportError(
        `DM did not say which domain handler ${id} is in: give --domain (or set COIOTE_DOMAIN)`,
      );
    return found;
  } finally {
    await client.close();
  }
}
