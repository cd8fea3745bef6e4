import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson, sameValue } from "../../canonical";
import { diffResult } from "../../diffResult";
import { influxApis, influxError, isNotFound, resolveOrgId } from "./client";

/** An InfluxDB bucket as the provider keeps it (inputs, and the outputs with orgId filled in). */
export interface BucketState {
  name: string;
  org?: string;
  orgId?: string;
  /** Seconds; 0 keeps data forever. */
  retentionSeconds: number;
  description: string | null;
  adoptId?: string;
}

type Inputs = BucketState & { __provider?: string };

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

function outputs(state: BucketState, orgId: string): Record<string, unknown> {
  return plainJson({
    ...state,
    orgId,
    description: state.description ?? null,
    retentionSeconds: state.retentionSeconds ?? 0,
  });
}

export async function check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
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
  if (failures.length > 0) return { failures };
  const orgId = await orgIdInput(olds, news);
  return {
    inputs: plainJson({ ...news, orgId, retentionSeconds: retention, description: news.description ?? null }),
  };
}

/**
 * The organization's id as an input: given, or looked up by name once and then kept while the name stays.
 * It must be an input so that it stays known while a preview plans an update of the bucket: the engine
 * previews a dynamic resource's update with its inputs as its outputs, and everything that uses
 * `bucket.orgId` (a token's permissions, a write URL) would otherwise be planned to change with it.
 */
async function orgIdInput(olds: Inputs | undefined, news: Inputs): Promise<string | undefined> {
  if (news.orgId !== undefined) return news.orgId;
  if (containsUnknown(news.org)) return undefined;
  if (olds?.orgId && !containsUnknown(olds.orgId) && olds.org === news.org) return olds.orgId;
  return resolveOrgId(influxApis(), undefined, news.org);
}

export async function diff(
  _id: string,
  olds: BucketState,
  news: BucketState,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces = (["org", "orgId"] as const).filter(
    (f) => news[f] !== undefined && !sameValue(olds[f], news[f]),
  );
  const changed = (["name", "retentionSeconds", "description"] as const).filter(
    (f) => !sameValue(olds[f] ?? null, news[f] ?? null),
  );
  return diffResult([...replaces, ...changed], replaces);
}

export async function create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
  const { __provider: _, ...desired } = inputs;
  const apis = influxApis();
  const secrets = [apis.settings.token];
  if (desired.adoptId) {
    const existing = await apis.buckets
      .getBucketsID({ bucketID: desired.adoptId })
      .catch((e: unknown) => influxError(`adopt bucket ${desired.adoptId}`, e, secrets));
    const updated = { ...desired, orgId: existing.orgID! };
    const result = await update(
      desired.adoptId,
      outputs(
        {
          name: existing.name,
          retentionSeconds: existing.retentionRules?.[0]?.everySeconds ?? 0,
          description: existing.description ?? null,
        },
        existing.orgID!,
      ) as unknown as BucketState,
      updated,
    );
    return { id: desired.adoptId, outs: result.outs };
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
}

export async function read(id: string, props: BucketState): Promise<pulumi.dynamic.ReadResult> {
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
}

export async function update(
  id: string,
  olds: BucketState,
  news: Inputs,
): Promise<pulumi.dynamic.UpdateResult> {
  const { __provider: _, ...desired } = news;
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
  return { outs: outputs(desired, olds.orgId ?? desired.orgId!) };
}

export async function remove(id: string, props: BucketState): Promise<void> {
  const apis = influxApis();
  await apis.buckets.deleteBucketsID({ bucketID: id }).catch((e: unknown) => {
    if (!isNotFound(e)) influxError(`delete bucket "${props.name}" (${id})`, e, [apis.settings.token]);
  });
}
