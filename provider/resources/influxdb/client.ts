import { HttpError, InfluxDB } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI, OrgsAPI } from "@influxdata/influxdb-client-apis";
import { redact } from "../../client/redact";
import type { InfluxSettings } from "../../influxConfig";
import { readInfluxSettings } from "../../influxConfig";
import { configSource } from "../../runtimeConfig";

/** The official InfluxData management client, built per operation from the run-time settings. */
export function influxApis(settings: InfluxSettings = readInfluxSettings(configSource())) {
  const influx = new InfluxDB({ url: settings.url, token: settings.token, timeout: 30_000 });
  return {
    settings,
    buckets: new BucketsAPI(influx),
    authorizations: new AuthorizationsAPI(influx),
    orgs: new OrgsAPI(influx),
  };
}
export type InfluxApis = ReturnType<typeof influxApis>;

export const isNotFound = (error: unknown) => error instanceof HttpError && error.statusCode === 404;

/** Re-throws an InfluxDB error with the operation named and no secret in it. */
export function influxError(operation: string, error: unknown, secrets: Array<string | undefined>): never {
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
  const found = await apis.orgs
    .getOrgs({ org: name })
    .catch((e: unknown) => influxError(`look up organization "${name}"`, e, [apis.settings.token]));
  const id = found.orgs?.[0]?.id;
  if (!id) throw new Error(`InfluxDB: organization "${name}" not found`);
  return id;
}
