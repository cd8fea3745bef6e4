import { AuthorizationsAPI, BucketsAPI } from "@influxdata/influxdb-client-apis";
import { InfluxDB } from "@influxdata/influxdb-client";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { InfluxServer } from "../test/support/servers/influxd";

export interface DemoBucket {
  bucketId: string;
  bucket: string;
  writeToken: string;
}

/**
 * The demo's bucket and a token that may only write to it, made once and remembered in the demo's folder
 * (the InfluxDB data folder persists between runs too).
 */
export async function demoBucket(server: InfluxServer, rememberIn: string): Promise<DemoBucket> {
  if (existsSync(rememberIn)) return JSON.parse(readFileSync(rememberIn, "utf8")) as DemoBucket;
  const influx = new InfluxDB({ url: server.url, token: server.token });
  const bucket = await new BucketsAPI(influx).postBuckets({
    body: { orgID: server.orgId, name: "dm-telemetry", retentionRules: [] },
  });
  const authorization = await new AuthorizationsAPI(influx).postAuthorizations({
    body: {
      orgID: server.orgId,
      description: "DM event handlers: write to dm-telemetry only",
      permissions: [{ action: "write", resource: { type: "buckets", id: bucket.id, orgID: server.orgId } }],
    },
  });
  const result = { bucketId: bucket.id!, bucket: bucket.name, writeToken: authorization.token! };
  writeFileSync(rememberIn, JSON.stringify(result));
  return result;
}
