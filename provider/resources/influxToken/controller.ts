import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, plainJson, sameValue } from "../../canonical";
import { failureAt } from "../../checkFailures";
import { defineResource } from "../../resource";
import { influxApis, influxError, isNotFound, resolveOrgId } from "../../influx/client";
import type { Permission, TokenState } from "./types";

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

function validate(news: TokenState): pulumi.dynamic.CheckFailure[] {
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
  return failures;
}

export const influxToken = defineResource<TokenState, TokenState>({
  // Replacing keeps the old token until whatever uses it has switched to the new one (create before delete).
  replaceFields: ["permissions", "org", "orgId", "rotation"],
  updateFields: ["description", "status"],
  secretValues: (state) => [state.token],
  sameField: {
    permissions: (olds, news) =>
      sameValue(
        canonicalPermissions(olds.permissions, olds.orgId),
        canonicalPermissions(news.permissions, news.orgId ?? olds.orgId),
      ),
  },
  validate,
  check: (_olds, news) =>
    plainJson({ ...news, status: news.status ?? "active", description: news.description ?? null }),

  async create(desired) {
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
    return {
      id: authorization.id!,
      outs: plainJson({ ...desired, orgId: orgID, token: authorization.token }),
    };
  },

  /**
   * Reads description, status and permissions back (drift), but keeps the token from state: it is only
   * guaranteed on create, and it cannot change without a new authorization.
   */
  async read(id, props) {
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
  },

  async update(id, olds, desired) {
    const apis = influxApis();
    await apis.authorizations
      .patchAuthorizationsID({
        authID: id,
        body: { description: desired.description ?? "", status: desired.status ?? "active" },
      })
      .catch((e: unknown) => influxError(`update token ${id}`, e, [apis.settings.token, olds.token]));
    return plainJson({ ...desired, orgId: olds.orgId, token: olds.token });
  },

  async delete(id, props) {
    const apis = influxApis();
    await apis.authorizations.deleteAuthorizationsID({ authID: id }).catch((e: unknown) => {
      if (!isNotFound(e)) influxError(`delete token ${id}`, e, [apis.settings.token, props.token]);
    });
  },
});
