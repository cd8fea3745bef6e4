// Proves the test InfluxDB 2 server is real and usable from Node with the official clients: a bucket and a
// write-only authorization scoped to it are created through the API, a point written with that token at
// millisecond precision comes back from a Flux query, and the same token cannot write to another bucket.
import { HttpError, InfluxDB, Point } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI } from "@influxdata/influxdb-client-apis";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfluxd, type InfluxServer } from "../../testing";

let influx: InfluxServer;

beforeAll(async () => {
  const t = Date.now();
  influx = await startInfluxd();
  const rss = influx.rssKb();
  console.log(
    `[influxd] ready at ${influx.url} in ${influx.startupMs} ms (${Date.now() - t} ms with the ensure script), ` +
      `RSS ${rss === undefined ? "?" : Math.round(rss / 1024)} MB`,
  );
}, 45 * 60_000); // a cold cache builds influxd from source first

afterAll(async () => {
  if (!influx) return;
  const rss = influx.rssKb();
  console.log(`[influxd] RSS after the tests: ${rss === undefined ? "?" : Math.round(rss / 1024)} MB`);
  const t = Date.now();
  await influx.stop();
  console.log(`[influxd] stopped in ${Date.now() - t} ms`);
}, 60_000);

describe("real InfluxDB 2 server", () => {
  it("ran the initial setup: the operator token sees the org and the seed bucket", async () => {
    const operator = new InfluxDB({ url: influx.url, token: influx.token });
    const buckets = await new BucketsAPI(operator).getBuckets({ orgID: influx.orgId, name: influx.bucket });
    expect(buckets.buckets?.map((b) => b.id)).toEqual([influx.bucketId]);
  });

  it("scopes a write token to one bucket: writes there, is refused elsewhere, and the point reads back with Flux", async () => {
    const operator = new InfluxDB({ url: influx.url, token: influx.token });
    const bucket = await new BucketsAPI(operator).postBuckets({
      body: {
        orgID: influx.orgId,
        name: "telemetry",
        description: "servers test",
        retentionRules: [{ type: "expire", everySeconds: 3600 }],
      },
    });
    const auth = await new AuthorizationsAPI(operator).postAuthorizations({
      body: {
        orgID: influx.orgId,
        description: "write telemetry only",
        permissions: [
          { action: "write", resource: { type: "buckets", id: bucket.id!, orgID: influx.orgId } },
        ],
      },
    });
    expect(auth.token).toBeTruthy();
    expect(auth.permissions).toHaveLength(1);

    const scoped = new InfluxDB({ url: influx.url, token: auth.token! });
    const timestamp = Date.now() - 1000;
    const write = scoped.getWriteApi(influx.org, bucket.name, "ms", { maxRetries: 0 });
    write.writePoint(
      new Point("device_event")
        .tag("endpoint", "urn:imei:123")
        .floatField("value", 21.5)
        .timestamp(timestamp),
    );
    await write.close();

    // Read back with the operator token (the scoped one has no read permission, on purpose).
    const rows = await operator
      .getQueryApi(influx.org)
      .collectRows<Record<string, unknown>>(
        `from(bucket: "${bucket.name}") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "device_event")`,
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ endpoint: "urn:imei:123", _field: "value", _value: 21.5 });
    expect(Date.parse(String(rows[0]!._time))).toBe(timestamp);

    // The same token, another bucket: refused by the server.
    // (writeFailed returning a promise replaces the client's console logging and retry decision.)
    const other = scoped.getWriteApi(influx.org, influx.bucket, "ms", {
      maxRetries: 0,
      writeFailed: (error) => Promise.reject(error),
    });
    other.writeRecord(`device_event,endpoint=urn:imei:123 value=1 ${timestamp}`);
    const refused = await other.close().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(HttpError);
    expect([401, 403]).toContain((refused as HttpError).statusCode);
  });

  it("keeps a given data folder: a restarted server has the same org, token and points", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "coiote-influxd-keep-"));
    try {
      const first = await startInfluxd({ dataDir });
      const write = new InfluxDB({ url: first.url, token: first.token }).getWriteApi(
        first.org,
        first.bucket,
        "ms",
      );
      write.writeRecord(`restart,kind=test value=7i ${Date.now()}`);
      await write.close();
      await first.stop();

      const second = await startInfluxd({ dataDir });
      try {
        expect([second.orgId, second.token, second.bucketId]).toEqual([
          first.orgId,
          first.token,
          first.bucketId,
        ]);
        const rows = await new InfluxDB({ url: second.url, token: second.token })
          .getQueryApi(second.org)
          .collectRows<Record<string, unknown>>(`from(bucket: "${second.bucket}") |> range(start: -1h)`);
        expect(rows.map((r) => r._value)).toEqual([7]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
