/** Where DM's API lives on a host: the v3 REST root, and the event-handler resource under it. */
export const dmApiPath = "/api/coiotedm/v3";
export const handlerApiPath = `${dmApiPath}/deviceEvents/handler`;
/** `GET` lists the domains the caller can see (the Coiote Python SDK's `Domains.get_all`). */
export const domainsApiPath = `${dmApiPath}/domains`;
/** The password grant (docs/dm-contract.md § 6). */
export const loginApiPath = "/api/auth/oauth_password";
