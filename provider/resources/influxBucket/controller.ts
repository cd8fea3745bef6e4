import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson } from "../../canonical";
import { defineResource } from "../../resource";
import { influxApis, influxError, isNotFound, resolveOrgId } from "../../influx/client";
import type { BucketState } from "./types";

const retentionRules = (seconds: number) =>
  seconds > 0 ? [{ type: "expire" as const, everySeconds: seconds }] : [];

/**
 * For PATCH: an empty list would leave the retention as it was, so "forever" is spelt as 0 seconds; and
 * shard-group duration 0 lets InfluxDB pick one that fits (else a shorter retention than the current
 * shard groups is refused with 422).
 */
const retentionPatch = (seconds: number) => [
  { type: "expire" as const, everySeconds: seconds, shardGroupDurationSeconds: 0 },
];

function outputs(state: BucketState, orgId: string): BucketState {
  return plainJson({
    ...state,
    orgId,
    description: state.description ?? null,
    retentionSeconds: state.retentionSeconds ?? 0,
  });
}

function validate(news: BucketState): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (!containsUnknown(news.name) && (typeof news.name !== "string" || news.name.trim() === "")) {
    failures.push({ property: "name", reason: "must be a non-empty bucket name" });
  }
  const retention = news.retentionSeconds ?? 0;
  if (
    !containsUnknown(retention) &&
    (!Number.isInteger(retention) || retention < 0 || (retention > 0 && retention < 3600))
  ) {
    failures.push({
      property: "retentionSeconds",
      reason: "must be 0 (keep forever) or a whole number of seconds of at least 3600",
    });
  }
  return failures;
}

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
  await apis.buckets
    .patchBucketsID({
      bucketID: id,
      body: {
        name: desired.name,
        description: desired.description ?? "",
        retentionRules: retentionPatch(desired.retentionSeconds),
      },
    })
    .catch((e: unknown) => influxError(`update bucket "${desired.name}" (${id})`, e, [apis.settings.token]));
  return outputs(desired, olds.orgId ?? desired.orgId!);
}

export const influxBucket = defineResource<BucketState, BucketState>({
  replaceFields: ["org", "orgId"],
  updateFields: ["name", "retentionSeconds", "description"],
  validate,
  async check(olds, news) {
    const orgId = await orgIdInput(olds, news);
    return plainJson({
      ...news,
      orgId,
      retentionSeconds: news.retentionSeconds ?? 0,
      description: news.description ?? null,
    });
  },

  async create(desired) {
    const apis = influxApis();
    const secrets = [apis.settings.token];
    if (desired.adoptId) {
      const existing = await apis.buckets
        .getBucketsID({ bucketID: desired.adoptId })
        .catch((e: unknown) => influxError(`adopt bucket ${desired.adoptId}`, e, secrets));
      const current = outputs(
        {
          name: existing.name,
          retentionSeconds: existing.retentionRules?.[0]?.everySeconds ?? 0,
          description: existing.description ?? null,
        },
        existing.orgID!,
      );
      return {
        id: desired.adoptId,
        outs: await update(desired.adoptId, current, { ...desired, orgId: existing.orgID! }),
      };
    }
    const orgID = await resolveOrgId(apis, desired.orgId, desired.org);
    const bucket = await apis.buckets
      .postBuckets({
        body: {
          orgID,
          name: desired.name,
          description: desired.description ?? undefined,
          retentionRules: retentionRules(desired.retentionSeconds),
        },
      })
      .catch((e: unknown) => influxError(`create bucket "${desired.name}"`, e, secrets));
    return { id: bucket.id!, outs: outputs(desired, orgID) };
  },

  async read(id, props) {
    const apis = influxApis();
    try {
      const bucket = await apis.buckets.getBucketsID({ bucketID: id });
      const state: BucketState = {
        ...props,
        name: bucket.name,
        retentionSeconds: bucket.retentionRules?.[0]?.everySeconds ?? 0,
        description: bucket.description || null,
      };
      const outs = outputs(state, bucket.orgID!);
      return { id, props: outs, inputs: outs };
    } catch (error) {
      if (isNotFound(error)) return {};
      return influxError(`read bucket ${id}`, error, [apis.settings.token]);
    }
  },

  update,

  async delete(id, props) {
    const apis = influxApis();
    await apis.buckets.deleteBucketsID({ bucketID: id }).catch((e: unknown) => {
      if (!isNotFound(e)) influxError(`delete bucket "${props.name}" (${id})`, e, [apis.settings.token]);
    });
  },
});
