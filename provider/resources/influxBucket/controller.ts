import { containsUnknown, plainJson } from "../../canonical";
import { defineResource } from "../../resource";
import { type InfluxApis, influxApis, resolveOrgId } from "../../influx/client";
import { type BucketState, bucketInputsSchema } from "./types";

type InfluxBucket = NonNullable<Awaited<ReturnType<InfluxApis["buckets"]["getBucketsID"]>>>;

function outputs(state: BucketState, orgId: string): BucketState {
  return plainJson({
    ...state,
    orgId,
    description: state.description ?? null,
    retentionSeconds: state.retentionSeconds ?? 0,
  });
}

/** A bucket as InfluxDB holds it, in the state's terms. */
const fromInflux = (bucket: InfluxBucket, props: Partial<BucketState> = {}): BucketState =>
  outputs(
    {
      ...props,
      name: bucket.name,
      retentionSeconds: bucket.retentionRules?.[0]?.everySeconds ?? 0,
      description: bucket.description || null,
    },
    bucket.orgID!,
  );

/**
 * The organization's id as an input: given, or looked up by name once and then kept while the name stays.
 * It must be an input so that it stays known while a preview plans an update of the bucket: the engine
 * previews a dynamic resource's update with its inputs as its outputs, and everything that uses
 * `bucket.orgId` (a token's permissions, a write URL) would otherwise be planned to change with it.
 */
async function orgIdInput(olds: BucketState | undefined, news: BucketState): Promise<string | undefined> {
  if (news.orgId !== undefined) return news.orgId;
  if (containsUnknown(news.org)) return undefined;
  if (olds?.orgId && !containsUnknown(olds.orgId) && olds.org === news.org) return olds.orgId;
  return resolveOrgId(influxApis(), undefined, news.org);
}

async function update(id: string, olds: BucketState, desired: BucketState): Promise<BucketState> {
  const apis = influxApis();
  // For PATCH an empty list would keep the old retention, so "forever" is 0 seconds; shard-group duration
  // 0 lets InfluxDB pick one that fits (else a retention shorter than the shard groups is refused, 422).
  const retentionRules = [
    { type: "expire" as const, everySeconds: desired.retentionSeconds, shardGroupDurationSeconds: 0 },
  ];
  const body = { name: desired.name, description: desired.description ?? "", retentionRules };
  await apis.call(
    `update bucket "${desired.name}" (${id})`,
    apis.buckets.patchBucketsID({ bucketID: id, body }),
  );
  return outputs(desired, olds.orgId ?? desired.orgId!);
}

export const influxBucket = defineResource<BucketState, BucketState>({
  replaceFields: ["org", "orgId"],
  updateFields: ["name", "retentionSeconds", "description"],
  schema: bucketInputsSchema,
  async check(olds, news) {
    const orgId = await orgIdInput(olds, news);
    return outputs(news, orgId!);
  },

  async create(desired) {
    const apis = influxApis();
    if (desired.adoptId) {
      const bucketID = desired.adoptId;
      const existing = await apis.call(`adopt bucket ${bucketID}`, apis.buckets.getBucketsID({ bucketID }));
      const outs = await update(bucketID, fromInflux(existing), { ...desired, orgId: existing.orgID! });
      return { id: bucketID, outs };
    }
    const orgID = await resolveOrgId(apis, desired.orgId, desired.org);
    const { retentionSeconds: seconds } = desired;
    const body = {
      orgID,
      name: desired.name,
      description: desired.description ?? undefined,
      retentionRules: seconds > 0 ? [{ type: "expire" as const, everySeconds: seconds }] : [],
    };
    const bucket = await apis.call(`create bucket "${desired.name}"`, apis.buckets.postBuckets({ body }));
    return { id: bucket.id!, outs: outputs(desired, orgID) };
  },

  async read(id, props) {
    const apis = influxApis();
    const bucket = await apis.callUnlessGone(
      `read bucket ${id}`,
      apis.buckets.getBucketsID({ bucketID: id }),
    );
    if (!bucket) return {};
    const outs = fromInflux(bucket, props);
    return { id, props: outs, inputs: outs };
  },

  update,

  async delete(id, props) {
    const apis = influxApis();
    await apis.callUnlessGone(
      `delete bucket "${props.name}" (${id})`,
      apis.buckets.deleteBucketsID({ bucketID: id }),
    );
  },
});
