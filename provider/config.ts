import { dmApiPath, normalizeDomain } from "./schemas";

/**
 * Provider configuration, read at run time inside the dynamic provider (never captured in the serialized
 * provider, which is stored in plain text in the state). Stack config wins over environment variables.
 */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type DmCredentials =
  { kind: "token"; token: string } | { kind: "password"; username: string; password: string };

export interface DmSettings {
  /** Host root, e.g. https://eu.iot.avsystem.cloud (without /api/coiotedm/v3). */
  baseUrl: string;
  credentials: DmCredentials;
  /** Domain used when a resource names none; DM falls back to the caller's own domain when unset. */
  domain?: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Total time a single operation may spend on retries. */
  retryBudgetMs: number;
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/** Stack config key → environment variable that stands in for it. */
const keys = {
  url: ["coiote:url", "COIOTE_URL"],
  token: ["coiote:token", "COIOTE_TOKEN"],
  username: ["coiote:username", "COIOTE_USERNAME"],
  password: ["coiote:password", "COIOTE_PASSWORD"],
  domain: ["coiote:domain", "COIOTE_DOMAIN"],
  timeoutSeconds: ["coiote:timeoutSeconds", "COIOTE_TIMEOUT_SECONDS"],
  retryBudgetSeconds: ["coiote:retryBudgetSeconds", "COIOTE_RETRY_BUDGET_SECONDS"],
} as const;

/** A setting from stack config, else from the environment variable that stands in for it; "" is unset. */
export function setting(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  [configKey, envKey]: readonly [string, string],
): string | undefined {
  const value = source?.get(configKey) ?? env[envKey];
  return value === "" ? undefined : value;
}

const lookup = (source: ConfigSource | undefined, env: NodeJS.ProcessEnv, name: keyof typeof keys) =>
  setting(source, env, keys[name]);

/** A positive number of seconds from config, in milliseconds; `fallbackSeconds` when unset. */
function positiveSeconds(raw: string | undefined, name: string, fallbackSeconds: number): number {
  if (raw === undefined) return fallbackSeconds * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigurationError(
      `${keys[name as keyof typeof keys][0]} must be a positive number of seconds, got "${raw}"`,
    );
  }
  return seconds * 1000;
}

export function normalizeBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`coiote:url (or COIOTE_URL) is not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigurationError(
      `coiote:url (or COIOTE_URL) must be http or https, got "${parsed.protocol}"`,
    );
  }
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith(dmApiPath) ? trimmed.slice(0, -dmApiPath.length) : trimmed;
}

export function readDmSettings(
  source: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DmSettings {
  const url = lookup(source, env, "url");
  if (!url) {
    throw new ConfigurationError(
      "Coiote DM is not configured: set `pulumi config set coiote:url <https://your-dm-host>` (or COIOTE_URL), " +
        "and either `pulumi config set --secret coiote:token <token>` (or COIOTE_TOKEN) or coiote:username and " +
        "`--secret coiote:password` (or COIOTE_USERNAME/COIOTE_PASSWORD).",
    );
  }
  const token = lookup(source, env, "token");
  const username = lookup(source, env, "username");
  const password = lookup(source, env, "password");
  let credentials: DmCredentials;
  if (token) credentials = { kind: "token", token };
  else if (username && password) credentials = { kind: "password", username, password };
  else {
    throw new ConfigurationError(
      "Coiote DM credentials are missing: set the secret coiote:token (or COIOTE_TOKEN), or coiote:username with " +
        "the secret coiote:password (or COIOTE_USERNAME/COIOTE_PASSWORD).",
    );
  }
  const domain = lookup(source, env, "domain");
  return {
    baseUrl: normalizeBaseUrl(url),
    credentials,
    domain: domain ? normalizeDomain(domain) : undefined,
    timeoutMs: positiveSeconds(lookup(source, env, "timeoutSeconds"), "timeoutSeconds", 30),
    retryBudgetMs: positiveSeconds(lookup(source, env, "retryBudgetSeconds"), "retryBudgetSeconds", 120),
  };
}
