import { plainJson, sameValue } from "../../canonical";
import { defineResource } from "../../resource";
import { influxApis, resolveOrgId } from "../../influx/client";
import { type Permission, type TokenState, tokenInputsSchema } from "./types";

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
  schema: tokenInputsSchema,
  check: (_olds, news) =>
    plainJson({ ...news, status: news.status ?? "active", description: news.description ?? null }),

  async create(desired) {
    const apis = influxApis();
    const orgID = await resolveOrgId(apis, desired.orgId, desired.org);
    const body = {
      orgID,
      status: desired.status,
      description: desired.description ?? undefined,
      permissions: canonicalPermissions(desired.permissions, orgID) as never,
    };
    const authorization = await apis.call("create token", apis.authorizations.postAuthorizations({ body }));
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
    const remote = await apis.callUnlessGone(
      `read token ${id}`,
      apis.authorizations.getAuthorizationsID({ authID: id }),
    );
    if (!remote) return {};
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
  },

  async update(id, olds, desired) {
    const apis = influxApis();
    const body = { description: desired.description ?? "", status: desired.status ?? "active" };
    await apis.call(`update token ${id}`, apis.authorizations.patchAuthorizationsID({ authID: id, body }));
    return plainJson({ ...desired, orgId: olds.orgId, token: olds.token });
  },

  async delete(id) {
    const apis = influxApis();
    await apis.callUnlessGone(
      `delete token ${id}`,
      apis.authorizations.deleteAuthorizationsID({ authID: id }),
    );
  },
});
