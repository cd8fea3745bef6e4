import { InfluxDB } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI } from "@influxdata/influxdb-client-apis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProgramStack, programStack } from "../support/engine";
import { useSandboxAndReceiver } from "../support/fixture";
import { type InfluxServer, startInfluxd } from "../support/servers/influxd";

/**
 * InfluxBucketIntegration end to end: the real engine, the DM sandbox delivering in line protocol, and a
 * real InfluxDB 2 the points land in.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/plant/" });
let influx: InfluxServer;
let stack: ProgramStack;
let apis: { buckets: BucketsAPI; authorizations: AuthorizationsAPI; client: InfluxDB };
let byo: { bucketId: string; token: string; tokenId: string };

const flux = (bucketId: string, measurement: string) => `
  import "influxdata/influxdb/schema"
  from(bucketID: "${bucketId}") |> range(start: -1d) |> filter(fn: (r) => r._measurement == "${measurement}")`;
type Row = {
  _time: string;
  _field: string;
  _value: number;
  endpointName: string;
  domain: string;
  eventType: string;
};
const rows = (bucketId: string, measurement: string) =>
  apis.client.getQueryApi(influx.org).collectRows<Row>(flux(bucketId, measurement));

beforeAll(async () => {
  influx = await startInfluxd();
  apis = {
    client: new InfluxDB({ url: influx.url, token: influx.token }),
    buckets: new BucketsAPI(new InfluxDB({ url: influx.url, token: influx.token })),
    authorizations: new AuthorizationsAPI(new InfluxDB({ url: influx.url, token: influx.token })),
  };
  const bucket = await apis.buckets.postBuckets({
    body: { orgID: influx.orgId, name: "byo-lifecycle", retentionRules: [] },
  });
  const auth = await apis.authorizations.postAuthorizations({
    body: {
      orgID: influx.orgId,
      permissions: [{ action: "write", resource: { type: "buckets", id: bucket.id!, orgID: influx.orgId } }],
    },
  });
  byo = { bucketId: bucket.id!, token: auth.token!, tokenId: auth.id! };
  stack = await programStack(
    {
      program: "test/programs/influx-integration",
      config: {
        ...fixture.sandbox.providerConfig(),
        "influxdb:url": { value: influx.url },
        "influxdb:token": { value: influx.token, secret: true },
        "influxdb:org": { value: influx.org },
        bucketName: { value: "dm-climate" },
        orgId: { value: influx.orgId },
        byoBucketId: { value: byo.bucketId },
        byoToken: { value: byo.token, secret: true },
      },
    },
    (fn) => fixture.cleanups.unshift(fn),
  );
}, 120_000);
afterAll(async () => {
  await influx?.stop();
});

describe.sequential("InfluxBucketIntegration", () => {
  let outputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("creates bucket, scoped token and handler; the test on apply writes a point", async () => {
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      climate: "create",
      "climate-bucket": "create",
      "climate-token": "create",
      "climate-handler": "create",
      "lifecycle-handler": "create",
    });
    outputs = await stack.outputs();
    expect(outputs.telemetryLastTest).toMatchObject({ successful: true });
    expect(outputs.lifecycleLastTest).toMatchObject({ successful: true });
    expect(outputs.telemetryWriteUrl).toBe(
      `${influx.url}/api/v2/write?precision=ms&bucket=${outputs.telemetryBucketId}&orgID=${influx.orgId}`,
    );
    const points = await rows(outputs.telemetryBucketId, "telemetryEvent");
    expect(points.some((p) => p.endpointName.startsWith("handler-test-device-"))).toBe(true);
  });

  it("shows no changes on preview and refresh", async () => {
    expect((await stack.preview()).changes).toBe(0);
    expect((await stack.refresh()).changes).toBe(0);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("turns injected telemetry and lifecycle events into points with DM's tags, field and ms timestamp", async () => {
    const timestamp = Date.now() - 60_000;
    const started = Date.now();
    await fixture.sandbox.injectEvents([
      { domain: "/plant/", endpointName: "boiler-1", url: "/3303/0/5700", value: 71.25, timestamp },
      { domain: "/plant/", endpointName: "boiler-1", subtype: "deviceCreated", timestamp },
    ]);
    const telemetry = await rows(outputs.telemetryBucketId, "telemetryEvent");
    const latencyMs = Date.now() - started;
    console.log(`event injection → point queryable in InfluxDB: ${latencyMs} ms`);
    expect(telemetry).toContainEqual(
      expect.objectContaining({
        endpointName: "boiler-1",
        domain: "/plant/",
        eventType: "telemetry",
        _field: "/3303/0/5700",
        _value: 71.25,
        _time: new Date(timestamp).toISOString(),
      }),
    );
    const lifecycle = await rows(byo.bucketId, "deviceEvent");
    expect(lifecycle).toContainEqual(
      expect.objectContaining({
        endpointName: "boiler-1",
        eventType: "deviceCreated",
        _time: new Date(timestamp).toISOString(),
      }),
    );
  });

  it("the created token writes to its bucket and nowhere else", async () => {
    const token = outputs.telemetryToken as string;
    const write = (bucket: string) =>
      fetch(`${influx.url}/api/v2/write?precision=ms&bucket=${bucket}&orgID=${influx.orgId}`, {
        method: "POST",
        headers: { authorization: `Token ${token}` },
        body: `probe value=1 ${Date.now()}`,
      }).then((r) => r.status);
    expect(await write(outputs.telemetryBucketId)).toBe(204);
    expect([401, 403, 404]).toContain(await write(byo.bucketId));
    expect([401, 403, 404]).toContain(await write(influx.bucketId));
  });

  it("rotates the token: new token first, handler updated, old token deleted, delivery goes on", async () => {
    const oldTokenId = outputs.telemetryTokenId as string;
    await stack.setConfig({ tokenRotation: { value: "2" } });
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      "climate-token": "replace",
      "climate-handler": "update",
      "climate-bucket": "same",
    });
    outputs = await stack.outputs();
    expect(outputs.telemetryTokenId).not.toBe(oldTokenId);
    await expect(apis.authorizations.getAuthorizationsID({ authID: oldTokenId })).rejects.toMatchObject({
      statusCode: 404,
    });
    const timestamp = Date.now() - 30_000;
    await fixture.sandbox.injectEvents([
      { domain: "/plant/", endpointName: "boiler-2", url: "/3303/0/5700", value: 65, timestamp },
    ]);
    expect(await rows(outputs.telemetryBucketId, "telemetryEvent")).toContainEqual(
      expect.objectContaining({ endpointName: "boiler-2", _value: 65 }),
    );
    expect((await stack.preview()).changes).toBe(0);
  });

  it("keeps the tokens out of the state file in plain text", () => {
    const state = stack.stateFileText();
    expect(state).toContain("climate to influx");
    expect(state).not.toContain(outputs.telemetryToken as string);
    expect(state).not.toContain(byo.token);
    expect(state).not.toContain(influx.token);
  });

  it("destroy removes handler, token and bucket, and leaves the bring-your-own ones alone", async () => {
    const tokenId = outputs.telemetryTokenId as string;
    const bucketId = outputs.telemetryBucketId as string;
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
    await expect(apis.buckets.getBucketsID({ bucketID: bucketId })).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(apis.authorizations.getAuthorizationsID({ authID: tokenId })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect((await apis.buckets.getBucketsID({ bucketID: byo.bucketId })).id).toBe(byo.bucketId);
  });
});
