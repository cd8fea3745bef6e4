import { InfluxDB } from "@influxdata/influxdb-client";
import { BucketsAPI } from "@influxdata/influxdb-client-apis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxBucket as bucket } from "../../provider/resources/influxBucket/controller";
import type { BucketState } from "../../provider/resources/influxBucket/types";
import { influxToken as token } from "../../provider/resources/influxToken/controller";
import type { TokenState } from "../../provider/resources/influxToken/types";
import { configure } from "../../provider/runtimeConfig";
import { type InfluxServer, startInfluxd } from "../../testing";

/**
 * The InfluxBucket and InfluxToken provider methods called directly against a real InfluxDB 2: what the
 * engine tests cannot easily reach (adoption, out-of-band drift, idempotent delete, status, error text).
 */
let influx: InfluxServer;
let buckets: BucketsAPI;

const configWith = (values: Record<string, string>) => configure({ get: (key) => values[key] });

beforeAll(async () => {
  influx = await startInfluxd();
  buckets = new BucketsAPI(new InfluxDB({ url: influx.url, token: influx.token }));
  configWith({ "influxdb:url": influx.url, "influxdb:token": influx.token, "influxdb:org": influx.org });
}, 120_000);
afterAll(async () => {
  configure({ get: () => undefined });
  await influx?.stop();
});

const createBucket = async (inputs: Partial<BucketState>) => {
  const checked = await bucket.check({} as BucketState, inputs as BucketState);
  return bucket.create(checked.inputs as BucketState);
};

describe("InfluxBucket against InfluxDB", () => {
  it("creates, updates in place, reads drift, and deletes idempotently", async () => {
    const { id, outs } = await createBucket({ name: "provider-a", retentionSeconds: 3600 });
    expect(outs).toMatchObject({ name: "provider-a", orgId: influx.orgId, retentionSeconds: 3600 });
    expect((await bucket.read(id, outs)).props).toEqual(outs);

    const edited = { ...outs, name: "provider-a2", retentionSeconds: 0, description: "kept forever" };
    const { outs: updated } = await bucket.update(id, outs, edited);
    expect(await buckets.getBucketsID({ bucketID: id })).toMatchObject({
      name: "provider-a2",
      description: "kept forever",
      retentionRules: [],
    });

    await buckets.patchBucketsID({ bucketID: id, body: { description: "changed by hand" } });
    const drifted = await bucket.read(id, updated);
    expect(drifted.props).toMatchObject({ description: "changed by hand", name: "provider-a2" });
    expect(drifted.inputs).toEqual(drifted.props);

    await bucket.remove(id, updated);
    await bucket.remove(id, updated);
    expect(await bucket.read(id, updated)).toEqual({});
  });

  it("adopts an existing bucket by id and makes it match the inputs", async () => {
    const existing = await buckets.postBuckets({
      body: { orgID: influx.orgId, name: "made-by-hand", retentionRules: [] },
    });
    const { id, outs } = await createBucket({
      name: "adopted",
      retentionSeconds: 7200,
      adoptId: existing.id!,
    });
    expect(id).toBe(existing.id);
    expect(outs).toMatchObject({ name: "adopted", orgId: influx.orgId, retentionSeconds: 7200 });
    expect(await buckets.getBucketsID({ bucketID: id })).toMatchObject({
      name: "adopted",
      retentionRules: [{ everySeconds: 7200 }],
    });
    await bucket.remove(id, outs as unknown as BucketState);
  });

  it("names the operation and never the credential in errors", async () => {
    const { id, outs } = await createBucket({ name: "taken" });
    const error = await createBucket({ name: "taken" }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/InfluxDB: create bucket "taken" failed: HTTP 422/);
    expect((error as Error).message).not.toContain(influx.token);
    await bucket.remove(id, outs as unknown as BucketState);
  });

  it("says what to set when InfluxDB is not configured", async () => {
    configWith({});
    const saved = { url: process.env.INFLUXDB_URL, token: process.env.INFLUXDB_TOKEN };
    delete process.env.INFLUXDB_URL;
    delete process.env.INFLUXDB_TOKEN;
    try {
      await expect(createBucket({ name: "nowhere" })).rejects.toThrow(/influxdb:url.*influxdb:token/s);
    } finally {
      Object.assign(process.env, JSON.parse(JSON.stringify(saved)));
      configWith({ "influxdb:url": influx.url, "influxdb:token": influx.token, "influxdb:org": influx.org });
    }
  });
});

describe("InfluxToken against InfluxDB", () => {
  const writeWith = (minted: string, bucketId: string) =>
    fetch(`${influx.url}/api/v2/write?precision=ms&bucket=${bucketId}&orgID=${influx.orgId}`, {
      method: "POST",
      headers: { authorization: `Token ${minted}` },
      body: `probe value=1 ${Date.now()}`,
    }).then((r) => r.status);

  it("mints a scoped token, switches it off and on in place, and deletes idempotently", async () => {
    const checked = await token.check(
      {} as TokenState,
      {
        description: "provider test",
        permissions: [{ action: "write", resource: { type: "buckets", id: influx.bucketId } }],
      } as TokenState,
    );
    const { id, outs } = await token.create(checked.inputs as TokenState);
    const state = outs as TokenState;
    expect(state).toMatchObject({ orgId: influx.orgId, status: "active" });
    expect(state.token).toMatch(/.{20,}/);
    expect(await writeWith(state.token!, influx.bucketId)).toBe(204);

    // Read-back fills the orgID InfluxDB added; that is no drift, and the token stays out of the inputs.
    const read = await token.read(id, state);
    expect(read.props).toEqual(state);
    expect(read.inputs).not.toHaveProperty("token");

    const { outs: off } = await token.update(id, state, { ...state, status: "inactive" });
    // InfluxDB 2.9 still knows an inactive token, so it answers "forbidden" rather than "unauthorized".
    expect(await writeWith(state.token!, influx.bucketId)).toBe(403);
    expect((await token.read(id, off as TokenState)).props).toMatchObject({ status: "inactive" });
    await token.update(id, off as TokenState, { ...state, status: "active", description: "back on" });
    expect(await writeWith(state.token!, influx.bucketId)).toBe(204);
    expect((await token.read(id, state)).props).toMatchObject({ status: "active", description: "back on" });

    await token.remove(id, state);
    await token.remove(id, state);
    expect(await token.read(id, state)).toEqual({});
    expect(await writeWith(state.token!, influx.bucketId)).toBe(401);
  });
});
