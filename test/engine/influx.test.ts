import { InfluxDB } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI } from "@influxdata/influxdb-client-apis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InfluxServer, type ProgramStack, startInfluxd } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * InfluxBucketIntegration end to end: the real engine, the DM sandbox delivering in line protocol, and a
 * real InfluxDB 2 the points land in.
 */
const fixture = useSandboxAndReceiver({ defaultDomain: "/plant/" });
let influx: InfluxServer;
let stack: ProgramStack;
let apis: { buckets: BucketsAPI; authorizations: AuthorizationsAPI; client: InfluxDB };
/** Made outside the stack: a bucket and token brought in, and a bucket the stack makes a token for. */
let byo: { bucketId: string; token: string; tokenId: string; existingBucketId: string };

type Row = {
  _time: string;
  _field: string;
  _value: number;
  endpointName: string;
  domain: string;
  eventType: string;
};
const flux = (bucketId: string, measurement: string, endpointPrefix = "") => `
  import "strings"
  from(bucketID: "${bucketId}")
    |> range(start: -1d)
    |> filter(fn: (r) => r._measurement == "${measurement}" and strings.hasPrefix(v: r.endpointName, prefix: "${endpointPrefix}"))`;
const rows = (bucketId: string, measurement: string, endpointPrefix?: string) =>
  apis.client.getQueryApi(influx.org).collectRows<Row>(flux(bucketId, measurement, endpointPrefix));

type Delivery = { ok: boolean; handlerName: string; error?: string };
/** Injects events and waits for their deliveries; returns one result per handler reached. */
const inject = async (events: Array<Record<string, unknown>>) =>
  ((await fixture.sandbox.injectEvents(events)) as { results: Delivery[] }).results;

const writeWith = (token: string, bucketId: string) =>
  fetch(`${influx.url}/api/v2/write?precision=ms&bucket=${bucketId}&orgID=${influx.orgId}`, {
    method: "POST",
    headers: { authorization: `Token ${token}` },
    body: `probe value=1 ${Date.now()}`,
  }).then((r) => r.status);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** The terraform-style post-apply check: nothing to do on preview, nothing drifted on refresh. */
async function expectConverged() {
  expect((await stack.preview()).changes).toBe(0);
  expect((await stack.refresh()).changes).toBe(0);
  expect((await stack.preview()).changes).toBe(0);
}

beforeAll(async () => {
  influx = await startInfluxd();
  console.log(`influxd ready (spawn → /health → setup) in ${influx.startupMs} ms, RSS ${influx.rssKb()} kB`);
  const client = new InfluxDB({ url: influx.url, token: influx.token });
  apis = { client, buckets: new BucketsAPI(client), authorizations: new AuthorizationsAPI(client) };
  const bucket = await apis.buckets.postBuckets({
    body: { orgID: influx.orgId, name: "byo-lifecycle", retentionRules: [] },
  });
  const existing = await apis.buckets.postBuckets({
    body: { orgID: influx.orgId, name: "existing-humidity", retentionRules: [] },
  });
  const auth = await apis.authorizations.postAuthorizations({
    body: {
      orgID: influx.orgId,
      permissions: [{ action: "write", resource: { type: "buckets", id: bucket.id!, orgID: influx.orgId } }],
    },
  });
  byo = { bucketId: bucket.id!, token: auth.token!, tokenId: auth.id!, existingBucketId: existing.id! };
  stack = await fixture.sandboxStack({
    program: "test/programs/influx-integration",
    config: {
      "influxdb:url": { value: influx.url },
      "influxdb:token": { value: influx.token, secret: true },
      "influxdb:org": { value: influx.org },
      bucketName: { value: "dm-climate" },
      orgId: { value: influx.orgId },
      byoBucketId: { value: byo.bucketId },
      byoToken: { value: byo.token, secret: true },
      existingBucketId: { value: byo.existingBucketId },
    },
  });
}, 120_000);
afterAll(async () => {
  await influx?.stop();
});

describe.sequential("InfluxBucketIntegration", () => {
  let outputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const tokensSeen: string[] = [];

  it("creates bucket, scoped token and handler; the test on apply writes a point", async () => {
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      climate: "create",
      "climate-bucket": "create",
      "climate-token": "create",
      "climate-handler": "create",
      "lifecycle-handler": "create",
      "humidity-token": "create",
      "humidity-handler": "create",
    });
    expect(operations).not.toHaveProperty("lifecycle-token");
    expect(operations).not.toHaveProperty("humidity-bucket");
    outputs = await stack.outputs();
    tokensSeen.push(outputs.telemetryToken);
    expect(outputs.telemetryLastTest).toMatchObject({ successful: true });
    expect(outputs.lifecycleLastTest).toMatchObject({ successful: true });
    expect(outputs.humidityLastTest).toMatchObject({ successful: true });
    expect(outputs.telemetryWriteUrl).toBe(
      `${influx.url}/api/v2/write?precision=ms&bucket=${outputs.telemetryBucketId}&orgID=${influx.orgId}`,
    );
    expect(outputs.humidityWriteUrl).toBe(
      `${influx.url}/api/v2/write?precision=ms&bucket=${byo.existingBucketId}&org=${influx.org}`,
    );
    const testDevice = "handler-test-device-";
    expect(await rows(outputs.telemetryBucketId, "telemetryEvent", testDevice)).not.toEqual([]);
    expect(await rows(byo.bucketId, "deviceEvent", testDevice)).not.toEqual([]);
    expect(await rows(byo.existingBucketId, "telemetryEvent", testDevice)).not.toEqual([]);
  });

  it("shows no changes on preview and refresh", async () => {
    await expectConverged();
  });

  it("turns injected telemetry and lifecycle events into points with DM's tags, field and ms timestamp", async () => {
    // Ending in 7 ms, so a loss of precision (seconds, or trailing zeros dropped) would show.
    const timestamp = Math.floor((Date.now() - 60_000) / 10) * 10 + 7;
    const deliveries = await inject([
      { domain: "/plant/", endpointName: "boiler-1", url: "/3303/0/5700", value: 71.25, timestamp },
      { domain: "/plant/", endpointName: "boiler-1", subtype: "deviceCreated", timestamp },
      { domain: "/plant/", endpointName: "boiler-1", url: "/3304/0/5700", value: 40, timestamp },
    ]);
    expect(deliveries.map((d) => d.ok)).toEqual([true, true, true]);
    const [telemetry] = await rows(outputs.telemetryBucketId, "telemetryEvent", "boiler-1");
    expect(telemetry).toMatchObject({
      domain: "/plant/",
      eventType: "telemetry",
      _field: "/3303/0/5700",
      _value: 71.25,
    });
    expect(Date.parse(telemetry!._time)).toBe(timestamp);
    const [lifecycle] = await rows(byo.bucketId, "deviceEvent", "boiler-1");
    expect(lifecycle).toMatchObject({
      domain: "/plant/",
      eventType: "deviceCreated",
      _field: "value",
      _value: 1,
    });
    expect(Date.parse(lifecycle!._time)).toBe(timestamp);
    const [humidity] = await rows(byo.existingBucketId, "telemetryEvent", "boiler-1");
    expect(humidity).toMatchObject({ _field: "/3304/0/5700", _value: 40 });
  });

  it("measures event injection → point visible to a Flux query", async () => {
    const samples: Array<{ deliveredMs: number; visibleMs: number }> = [];
    for (let i = 0; i < 20; i++) {
      const endpointName = `latency-${i}`;
      const started = performance.now();
      await inject([{ domain: "/plant/", endpointName, url: "/3303/0/5700", value: i }]);
      const deliveredMs = performance.now() - started;
      while ((await rows(outputs.telemetryBucketId, "telemetryEvent", endpointName)).length === 0) {
        if (performance.now() - started > 10_000) throw new Error(`${endpointName} never became visible`);
      }
      samples.push({ deliveredMs, visibleMs: performance.now() - started });
    }
    const visible = samples.map((s) => s.visibleMs).sort((a, b) => a - b);
    const delivered = samples.map((s) => s.deliveredMs).sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `InfluxDB end-to-end latency over ${samples.length} events: injection → point visible to Flux ` +
        `p50 ${ms(percentile(visible, 50))}, p95 ${ms(percentile(visible, 95))}, max ${ms(visible.at(-1)!)}; ` +
        `of which injection → delivered (HTTP 204 from /api/v2/write) p50 ${ms(percentile(delivered, 50))}`,
    );
    expect(percentile(visible, 50)).toBeLessThan(5_000);
  });

  it("the created token writes to its bucket and nowhere else", async () => {
    const token = outputs.telemetryToken as string;
    expect(await writeWith(token, outputs.telemetryBucketId)).toBe(204);
    expect(await writeWith(token, byo.bucketId)).toBe(403);
    expect(await writeWith(token, influx.bucketId)).toBe(403);
    // It cannot see buckets either: the list is empty and a query by name does not find its own bucket.
    const listed = await fetch(`${influx.url}/api/v2/buckets`, {
      headers: { authorization: `Token ${token}` },
    });
    expect(((await listed.json()) as { buckets: unknown[] }).buckets).toEqual([]);
    const query = (from: string) =>
      fetch(`${influx.url}/api/v2/query?orgID=${influx.orgId}`, {
        method: "POST",
        headers: { authorization: `Token ${token}`, "content-type": "application/vnd.flux" },
        body: `from(${from}) |> range(start: -1h)`,
      });
    expect((await query(`bucket: "dm-climate"`)).status).toBe(404);
    // InfluxDB 2.9.1 itself answers a query by bucket id to a write-only token (docs/influx.md); logged,
    // not asserted, so the test does not pin an upstream authorization gap.
    const byId = await query(`bucketID: "${outputs.telemetryBucketId}"`);
    console.log(`write-only token, Flux from(bucketID:) on its bucket: HTTP ${byId.status}`);
  });

  it("updates the bucket's retention and description in place", async () => {
    await stack.setConfig({ retentionDays: { value: "30" }, bucketDescription: { value: "DM climate" } });
    const { operations } = await stack.up();
    expect(operations).toMatchObject({
      "climate-bucket": "update",
      "climate-token": "same",
      "climate-handler": "same",
    });
    const bucket = await apis.buckets.getBucketsID({ bucketID: outputs.telemetryBucketId });
    expect(bucket).toMatchObject({
      description: "DM climate",
      retentionRules: [{ everySeconds: 30 * 86400 }],
    });
    await expectConverged();
  });

  it("rotates the token with events flowing: new token first, handler updated, old token deleted, no event lost", async () => {
    const oldTokenId = outputs.telemetryTokenId as string;
    const base = Date.now() - 120_000;
    let sent = 0;
    const failures: Delivery[] = [];
    const sendOne = async () => {
      const i = sent++;
      const deliveries = await inject([
        {
          domain: "/plant/",
          endpointName: `rotation-${i}`,
          url: "/3303/0/5700",
          value: i,
          timestamp: base + i,
        },
      ]);
      failures.push(...deliveries.filter((d) => !d.ok));
    };
    let rotating = true;
    const stream = (async () => {
      while (rotating) {
        await sendOne();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    await stack.setConfig({ tokenRotation: { value: "2" } });
    const { operations } = await stack.up().finally(() => (rotating = false));
    await stream;
    const sentDuringRotation = sent;
    for (let i = 0; i < 5; i++) await sendOne();

    expect(operations).toMatchObject({
      "climate-token": "replace",
      "climate-handler": "update",
      "climate-bucket": "same",
      "humidity-token": "same",
    });
    outputs = await stack.outputs();
    tokensSeen.push(outputs.telemetryToken);
    expect(outputs.telemetryTokenId).not.toBe(oldTokenId);
    await expect(apis.authorizations.getAuthorizationsID({ authID: oldTokenId })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(await writeWith(tokensSeen[0]!, outputs.telemetryBucketId)).toBe(401);
    expect(failures).toEqual([]);
    const points = await rows(outputs.telemetryBucketId, "telemetryEvent", "rotation-");
    console.log(
      `token rotation: ${sentDuringRotation} events during the up, 5 after; ${points.length} points`,
    );
    expect(sentDuringRotation).toBeGreaterThan(10);
    expect(points).toHaveLength(sent);
    await expectConverged();
  });

  it("keeps the tokens out of the state file in plain text", () => {
    const state = stack.stateFileText();
    expect(state).toContain("climate to influx");
    for (const token of [...tokensSeen, byo.token, influx.token]) expect(state).not.toContain(token);
  });

  it("destroy removes handlers, tokens and the created bucket, and leaves what it was given alone", async () => {
    const created = {
      bucketId: outputs.telemetryBucketId as string,
      tokenIds: [outputs.telemetryTokenId as string, outputs.humidityTokenId as string],
    };
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
    await expect(apis.buckets.getBucketsID({ bucketID: created.bucketId })).rejects.toMatchObject({
      statusCode: 404,
    });
    for (const authID of created.tokenIds)
      await expect(apis.authorizations.getAuthorizationsID({ authID })).rejects.toMatchObject({
        statusCode: 404,
      });
    expect((await apis.buckets.getBucketsID({ bucketID: byo.bucketId })).id).toBe(byo.bucketId);
    expect((await apis.buckets.getBucketsID({ bucketID: byo.existingBucketId })).id).toBe(
      byo.existingBucketId,
    );
    expect((await apis.authorizations.getAuthorizationsID({ authID: byo.tokenId })).id).toBe(byo.tokenId);
  });
});
