import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson, sameValue } from "../../canonical";
import { influxApis, influxError, isNotFound, resolveOrgId } from "./client";

export interface Permission {
  action: "read" | "write";
  resource: { type: string; id?: string; orgID?: string };
}

/** An InfluxDB authorization. The token is minted by InfluxDB on create and kept (secret) in the outputs. */
export interface TokenState {
  org?: string;
  orgId?: string;
  description: string | null;
  permissions: Permission[];
  /** Any value; changing it mints a new token (create before delete, so users of the token can switch). */
  rotation?: string;
  token?: string;
}

type Inputs = TokenState & { __provider?: string };

const permissionKey = (p: Permission) =>
  `${p.action}:${p.resource.type}:${p.resource.id ?? "*"}:${p.resource.orgID ?? ""}`;
const canonicalPermissions = (list: Permission[]) =>
  [...list].sort((a, b) => permissionKey(a).localeCompare(permissionKey(b)));

export async function check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (!containsUnknown(news.permissions)) {
    if (!Array.isArray(news.permissions) || news.permissions.length === 0) {
      failures.push({ property: "permissions", reason: "must list at least one permission" });
    } else {
      news.permissions.forEach((p, i) => {
        if (containsUnknown(p)) return;
        if (p.action !== "read" && p.action !== "write")
          failures.push({ property: `permissions[${i}].action`, reason: 'must be "read" or "write"' });
        if (!p.resource || typeof p.resource.type !== "string")
          failures.push({
            property: `permissions[${i}].resource.type`,
            reason: "must name a resource type, e.g. buckets",
          });
      });
    }
  }
  return failures.length > 0
    ? { failures }
    : { inputs: plainJson({ ...news, description: news.description ?? null }) };
}

export async function diff(
  _id: string,
  olds: TokenState,
  news: TokenState,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (
    containsUnknown(news.permissions) ||
    !sameValue(canonicalPermissions(olds.permissions), canonicalPermissions(news.permissions))
  )
    replaces.push("permissions");
  for (const field of ["org", "orgId", "rotation"] as const) {
    if (news[field] !== undefined && !sameValue(olds[field], news[field])) replaces.push(field);
  }
  const changes = replaces.length > 0 || !sameValue(olds.description ?? null, news.description ?? null);
  return { changes, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
  const { __provider: _, ...desired } = inputs;
  const apis = influxApis();
  const orgID = await resolveOrgId(apis, desired.orgId, desired.org);
  const authorization = await apis.authorizations
    .postAuthorizations({
      body: {
        orgID,
        description: desired.description ?? undefined,
        permissions: desired.permissions.map((p) => ({
          action: p.action,
          resource: { ...p.resource, orgID: p.resource.orgID ?? orgID },
        })) as never,
      },
    })
    .catch((e: unknown) => influxError("create token", e, [apis.settings.token]));
  return { id: authorization.id!, outs: plainJson({ ...desired, orgId: orgID, token: authorization.token }) };
}

export async function read(id: string, props: TokenState): Promise<pulumi.dynamic.ReadResult> {
  const apis = influxApis();
  try {
    const authorization = await apis.authorizations.getAuthorizationsID({ authID: id });
    const outs = plainJson({ ...props, description: authorization.description || null });
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
    .patchAuthorizationsID({ authID: id, body: { description: desired.description ?? "" } })
    .catch((e: unknown) => influxError(`update token ${id}`, e, [apis.settings.token, olds.token]));
  return { outs: plainJson({ ...desired, orgId: olds.orgId, token: olds.token }) };
}

export async function remove(id: string, props: TokenState): Promise<void> {
  const apis = influxApis();
  await apis.authorizations.deleteAuthorizationsID({ authID: id }).catch((e: unknown) => {
    if (!isNotFound(e)) influxError(`delete token ${id}`, e, [apis.settings.token, props.token]);
  });
}
