import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson, sameValue } from "../../canonical";
import { failureAt } from "../../checkFailures";
import { diffResult } from "../../diffResult";
import { influxApis, influxError, isNotFound, resolveOrgId } from "./client";

export interface Permission {
  action: "read" | "write";
  resource: { type: string; id?: string; orgID?: string };
}

export type TokenStatus = "active" | "inactive";

/** An InfluxDB authorization. The token is minted by InfluxDB on create and kept (secret) in the outputs. */
export interface TokenState {
  org?: string;
  orgId?: string;
  description: string | null;
  permissions: Permission[];
  /** An inactive token is refused by InfluxDB but kept, so it can be switched back on in place. */
  status: TokenStatus;
  /** Any value; changing it mints a new token (create before delete, so users of the token can switch). */
  rotation?: string;
  token?: string;
}

type Inputs = TokenState & { __provider?: string };

/**
 * Permissions as InfluxDB means them: order-free, and a resource without orgID belongs to the token's
 * organization (create fills it in, so a user who left it out must not see a diff for it).
 */
export function canonicalPermissions(list: Permission[], orgId: string | undefined): Permission[] {
  const key = (p: Permission) =>
    `${p.action}:${p.resource.type}:${p.resource.id ?? "*"}:${p.resource.orgID ?? ""}`;
  return list
    .map((p) => ({
      action: p.action,
      resource: plainJson({ type: p.resource.type, id: p.resource.id, orgID: p.resource.orgID ?? orgId }),
    }))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

export async function check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (!containsUnknown(news.permissions)) {
    if (!Array.isArray(news.permissions) || news.permissions.length === 0) {
      failures.push({ property: "permissions", reason: "must list at least one permission" });
    } else {
      news.permissions.forEach((p, i) => {
        if (containsUnknown(p)) return;
        if (p.action !== "read" && p.action !== "write")
          failures.push(
            failureAt(["permissions", i, "action"], 'must be "read" or "write"', { value: p.action }),
          );
        if (!p.resource || typeof p.resource.type !== "string" || p.resource.type === "")
          failures.push(
            failureAt(["permissions", i, "resource", "type"], "must name a resource type, e.g. buckets", {
              value: p.resource?.type,
            }),
          );
      });
    }
  }
  const status = news.status ?? "active";
  if (!containsUnknown(status) && status !== "active" && status !== "inactive")
    failures.push({ property: "status", reason: 'must be "active" or "inactive"' });
  return failures.length > 0
    ? { failures }
    : { inputs: plainJson({ ...news, status, description: news.description ?? null }) };
}

export async function diff(
  _id: string,
  olds: TokenState,
  news: TokenState,
): Promise<pulumi.dynamic.DiffResult> {
  const orgId = news.orgId ?? olds.orgId;
  const replaces: string[] = [];
  if (
    containsUnknown(news.permissions) ||
    !sameValue(
      canonicalPermissions(olds.permissions, olds.orgId),
      canonicalPermissions(news.permissions, orgId),
    )
  )
    replaces.push("permissions");
  for (const field of ["org", "orgId", "rotation"] as const) {
    if (news[field] !== undefined && !sameValue(olds[field], news[field])) replaces.push(field);
  }
  const updates = (["description", "status"] as const).filter(
    (field) => !sameValue(olds[field] ?? null, news[field] ?? null),
  );
  // Replacing keeps the old token until whatever uses it has switched to the new one (create before delete).
  return diffResult([...replaces, ...updates], replaces);
}

export async function create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
  const { __provider: _, ...desired } = inputs;
  const apis = influxApis();
  const orgID = await resolveOrgId(apis, desired.orgId, desired.org);
  const authorization = await apis.authorizations
    .postAuthorizations({
      body: {
        orgID,
        status: desired.status,
        description: desired.description ?? undefined,
        permissions: canonicalPermissions(desired.permissions, orgID) as never,
      },
    })
    .catch((e: unknown) => influxError("create token", e, [apis.settings.token]));
  return { id: authorization.id!, outs: plainJson({ ...desired, orgId: orgID, token: authorization.token }) };
}

/**
 * Reads description, status and permissions back (drift), but keeps the token from state: it is only
 * guaranteed on create, and it cannot change without a new authorization.
 */
export async function read(id: string, props: TokenState): Promise<pulumi.dynamic.ReadResult> {
  const apis = influxApis();
  try {
    const remote = await apis.authorizations.getAuthorizationsID({ authID: id });
    const remotePermissions = canonicalPermissions(
      (remote.permissions ?? []).map((p) => ({
        action: p.action,
        resource: { type: p.resource.type, id: p.resource.id, orgID: p.resource.orgID },
      })),
      remote.orgID,
    );
    const unchanged = sameValue(remotePermissions, canonicalPermissions(props.permissions, props.orgId));
    const outs = plainJson({
      ...props,
      orgId: remote.orgID ?? props.orgId,
      description: remote.description || null,
      status: remote.status ?? props.status ?? "active",
      permissions: unchanged ? props.permissions : remotePermissions,
    });
    const { token: _token, ...inputs } = outs;
    return { id, props: outs, inputs };
  } catch (error) {
    if (isNotFound(error)) return {};
    return influxError(`read token ${id}`, error, [apis.settings.token, props.token]);
  }
}

export async function update(
  id: string,
  olds: TokenState,
  news: Inputs,
): Promise<pulumi.dynamic.UpdateResult> {
  const { __provider: _, ...desired } = news;
  const apis = influxApis();
  await apis.authorizations
    .patchAuthorizationsID({
      authID: id,
      body: { description: desired.description ?? "", status: desired.status ?? "active" },
    })
    .catch((e: unknown) => influxError(`update token ${id}`, e, [apis.settings.token, olds.token]));
  return { outs: plainJson({ ...desired, orgId: olds.orgId, token: olds.token }) };
}

export async function remove(id: string, props: TokenState): Promise<void> {
  const apis = influxApis();
  await apis.authorizations.deleteAuthorizationsID({ authID: id }).catch((e: unknown) => {
    if (!isNotFound(e)) influxError(`delete token ${id}`, e, [apis.settings.token, props.token]);
  });
}
