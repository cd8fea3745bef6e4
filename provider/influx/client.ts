import { HttpError, InfluxDB } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI, OrgsAPI } from "@influxdata/influxdb-client-apis";
import { redact } from "../client/redact";
import { defaultRetryPolicy, type RetryPolicy } from "../client/retry";
import { retryingTransport } from "./retryingTransport";
import type { InfluxSettings } from "../influxConfig";
import { readInfluxSettings } from "../influxConfig";
import { configSource } from "../runtimeConfig";

/** The retry budget of one InfluxDB call: shorter than a DM operation's, since a management call is one request. */
export const influxRetryPolicy: RetryPolicy = { ...defaultRetryPolicy, budgetMs: 60_000 };

/**
 * The official InfluxData management client, built per operation from the run-time settings, with the
 * same retry rules as the DM client (see retryingTransport).
 */
export function influxApis(
  settings: InfluxSettings = readInfluxSettings(configSource()),
  retry: RetryPolicy = influxRetryPolicy,
) {
  const options = { url: settings.url, token: settings.token, timeout: 30_000 };
  const influx = new InfluxDB({
    ...options,
    transport: retryingTransport(new InfluxDB(options).transport, retry),
  });
  /** One management call: its failure names the operation and holds no secret. */
  const call = <T>(operation: string, request: Promise<T>): Promise<T> =>
    request.catch((error: unknown) => influxError(operation, error, [settings.token]));
  return {
    settings,
    buckets: new BucketsAPI(influx),
    authorizations: new AuthorizationsAPI(influx),
    orgs: new OrgsAPI(influx),
    call,
    /** The same, for a call whose object may be gone: a 404 is undefined. */
    callUnlessGone: <T>(operation: string, request: Promise<T>): Promise<T | undefined> =>
      call(
        operation,
        request.catch((error: unknown) => {
          if (error instanceof HttpError && error.statusCode === 404) return undefined;
          throw error;
        }),
      ),
  };
}
export type InfluxApis = ReturnType<typeof influxApis>;

function influxError(operation: string, error: unknown, secrets: Array<string | undefined>): never {
  const detail =
    error instanceof HttpError
      ? `HTTP ${error.statusCode}: ${(error.json as { message?: string } | undefined)?.message ?? error.body ?? error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  throw new Error(redact(`InfluxDB: ${operation} failed: ${detail}`, secrets));
}

/** The organization's id: given, or looked up by name (the resource's, else influxdb:org). */
export async function resolveOrgId(
  apis: InfluxApis,
  orgId: string | undefined,
  org: string | undefined,
): Promise<string> {
  if (orgId) return orgId;
  const name = org ?? apis.settings.org;
  if (!name)
    throw new Error(
      "InfluxDB: no organization: set `org` on the resource or `pulumi config set influxdb:org <name>`",
    );
  const found = await apis.call(`look up organization "${name}"`, apis.orgs.getOrgs({ org: name }));
  const id = found.orgs?.[0]?.id;
  if (!id) throw new Error(`InfluxDB: organization "${name}" not found`);
  return id;
}
