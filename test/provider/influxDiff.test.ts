import { inputsChanged } from "../support/diffs";
import { failureNaming } from "../support/checkFailures";
import { describe, expect, it } from "vitest";
import { unknownValue } from "../../provider/canonical";
import { influxBucket as bucket } from "../../provider/resources/influxBucket/controller";
import type { BucketState } from "../../provider/resources/influxBucket/types";
import { influxToken as token } from "../../provider/resources/influxToken/controller";
import type { Permission, TokenState } from "../../provider/resources/influxToken/types";

const bucketOlds: BucketState = {
  name: "climate",
  orgId: "0123456789abcdef",
  retentionSeconds: 86_400,
  description: null,
};

/** What the engine plans for an InfluxBucket edit: update where InfluxDB can patch, replace otherwise. */
describe("InfluxBucket diff", () => {
  it.each<[string, Partial<BucketState>, { changes: boolean | undefined; replaces: string[] }]>([
    ["identical", {}, { changes: false, replaces: [] }],
    [
      "organization id not given (resolved at create)",
      { orgId: undefined },
      { changes: false, replaces: [] },
    ],
    ["renamed", { name: "climate-2" }, { changes: inputsChanged, replaces: [] }],
    ["longer retention", { retentionSeconds: 2 * 86_400 }, { changes: inputsChanged, replaces: [] }],
    ["keep forever", { retentionSeconds: 0 }, { changes: inputsChanged, replaces: [] }],
    ["described", { description: "DM climate" }, { changes: inputsChanged, replaces: [] }],
    ["other organization", { orgId: "fedcba9876543210" }, { changes: inputsChanged, replaces: ["orgId"] }],
    ["organization not known yet", { orgId: unknownValue }, { changes: inputsChanged, replaces: ["orgId"] }],
    ["name not known yet", { name: unknownValue }, { changes: inputsChanged, replaces: [] }],
  ])("%s", async (_, edit, expected) => {
    expect(await bucket.diff("b1", bucketOlds, { ...bucketOlds, ...edit })).toEqual({
      ...expected,
      deleteBeforeReplace: false,
    });
  });

  it.each<[string, Partial<BucketState>, string]>([
    ["empty name", { name: " " }, "name"],
    ["retention under an hour", { retentionSeconds: 60 }, "retentionSeconds"],
    ["negative retention", { retentionSeconds: -1 }, "retentionSeconds"],
    ["fractional retention", { retentionSeconds: 3600.5 }, "retentionSeconds"],
  ])("check refuses %s", async (_, edit, property) => {
    const result = await bucket.check(bucketOlds, { ...bucketOlds, ...edit });
    expect(result.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("check fills the defaults so outputs mirror inputs, and keeps the organization's id once known", async () => {
    // The id stays an input, so a preview of an update keeps it known (no lookup: it comes from the olds).
    const result = await bucket.check(bucketOlds, { name: "x" } as BucketState);
    expect(result.inputs).toEqual({
      name: "x",
      orgId: bucketOlds.orgId,
      retentionSeconds: 0,
      description: null,
    });
  });
});

const write = (id: string, orgID?: string): Permission => ({
  action: "write",
  resource: { type: "buckets", id, ...(orgID ? { orgID } : {}) },
});
const tokenOlds: TokenState = {
  orgId: "0123456789abcdef",
  description: "DM handler",
  status: "active",
  permissions: [write("b1"), { action: "read", resource: { type: "buckets", id: "b1" } }],
  token: "minted-token",
};

/** Permissions and rotation mint a new token; description and status patch the existing one. */
describe("InfluxToken diff", () => {
  it.each<[string, Partial<TokenState>, { changes: boolean | undefined; replaces: string[] }]>([
    ["identical", {}, { changes: false, replaces: [] }],
    [
      "permissions in another order, orgID spelled out",
      {
        permissions: [
          { action: "read", resource: { type: "buckets", id: "b1" } },
          write("b1", "0123456789abcdef"),
        ],
      },
      { changes: false, replaces: [] },
    ],
    ["new description", { description: "rotated" }, { changes: inputsChanged, replaces: [] }],
    ["switched off", { status: "inactive" }, { changes: inputsChanged, replaces: [] }],
    ["another bucket", { permissions: [write("b2")] }, { changes: inputsChanged, replaces: ["permissions"] }],
    [
      "bucket not known yet",
      { permissions: [write(unknownValue)] },
      { changes: inputsChanged, replaces: ["permissions"] },
    ],
    ["rotation asked for", { rotation: "2026-11" }, { changes: inputsChanged, replaces: ["rotation"] }],
    [
      "other organization (its permissions move with it)",
      { orgId: "fedcba9876543210" },
      { changes: inputsChanged, replaces: ["permissions", "orgId"] },
    ],
  ])("%s", async (_, edit, expected) => {
    expect(await token.diff("t1", tokenOlds, { ...tokenOlds, ...edit })).toEqual({
      ...expected,
      deleteBeforeReplace: false,
    });
  });

  it.each<[string, Partial<TokenState>, string]>([
    ["no permissions", { permissions: [] }, "permissions"],
    [
      "an unknown action",
      { permissions: [{ action: "delete" as "read", resource: { type: "buckets" } }] },
      "permissions[0].action",
    ],
    [
      "no resource type",
      { permissions: [{ action: "read", resource: { type: "" } }] },
      "permissions[0].resource.type",
    ],
    ["an unknown status", { status: "paused" as "active" }, "status"],
  ])("check refuses %s", async (_, edit, property) => {
    const result = await token.check(tokenOlds, { ...tokenOlds, ...edit });
    expect(result.failures).toEqual([failureNaming(property, /./)]);
  });

  it("check lets unknown permissions through to the plan", async () => {
    const result = await token.check(tokenOlds, { ...tokenOlds, permissions: unknownValue as never });
    expect(result.failures).toBeUndefined();
  });
});
