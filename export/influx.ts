import type { WebhookConnection } from "./parse";

/** Where a webhook in InfluxDB line protocol writes: InfluxDB 2's `/api/v2/write` and its query. */
export interface InfluxTarget {
  /** The InfluxDB base URL (everything before `/api/v2/write`). */
  influxUrl: string;
  /** `bucket=` of the URI: a bucket id or name (InfluxDB takes either). */
  bucket?: string;
  /** `orgID=` of the URI. */
  orgId?: string;
  /** `org=` of the URI (an organization name). */
  org?: string;
  precision?: string;
}

/**
 * Recognises a webhook that writes to InfluxDB: format "influxDb" posting to `<influx>/api/v2/write`.
 * Anything else (another path, a generic format) is an ordinary webhook.
 */
export function influxTarget(connection: WebhookConnection): InfluxTarget | undefined {
  if (connection.format !== "influxDb" || (connection.method ?? "post") !== "post") return undefined;
  let url: URL;
  try {
    url = new URL(connection.uri);
  } catch {
    return undefined;
  }
  const match = /^(.*)\/api\/v2\/write\/?$/.exec(url.pathname);
  if (!match) return undefined;
  const query = url.searchParams;
  const target: InfluxTarget = { influxUrl: `${url.origin}${match[1]}` };
  const bucket = query.get("bucket");
  const orgId = query.get("orgID");
  const org = query.get("org");
  const precision = query.get("precision");
  if (bucket) target.bucket = bucket;
  if (orgId) target.orgId = orgId;
  if (org) target.org = org;
  if (precision) target.precision = precision;
  return target;
}

/** "bucket "dm" of organization id 0a1b…, precision ms": what the comment above the handler says. */
export function describeInflux(target: InfluxTarget): string {
  const parts = [
    `bucket ${target.bucket ? JSON.stringify(target.bucket) : "(none in the URI)"}`,
    target.orgId
      ? `organization id ${target.orgId}`
      : target.org
        ? `organization ${JSON.stringify(target.org)}`
        : "no organization in the URI",
    ...(target.precision ? [`precision ${target.precision}`] : []),
  ];
  return `InfluxDB ${target.influxUrl}: writes line protocol to ${parts.join(", ")}`;
}
