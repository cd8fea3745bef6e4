/** Rules of the DM event-handler API (dm-api.md §5, §6), shared by the provider's checks and the sandbox. */
export const maxHandlersPerDomain = 10;
export const maxCustomHeaders = 20;
export const maxBodyTemplateLength = 500;
/** DM returns write-only secrets masked like this (dm-api.md Decision 5). */
export const maskedSecret = "********";
/** Header names DM reserves for itself (DZ-DIC); auth goes through connectionConfig.auth instead. */
export const forbiddenHeaderNames = [
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "accept",
  "accept-encoding",
  "host",
  "connection",
  "origin",
  "cache-control",
] as const;
export const handlerIdPattern = /^[0-9a-f]{24}$/;
export const lwm2mUrlPattern = /^(\/\d+){1,4}$/;

/** CR, LF and NUL end or corrupt an HTTP header line: no receiver could ever get such a header. */
export const headerBreakingCharacters = /[\r\n\0]/;

/**
 * A "." or ".." segment ("/acme/../"): a path walk, not a domain. DM's domains are names; accepting the
 * walk would make "/acme/../" a different, visible-to-"/acme/" spelling of "/".
 */
export function hasDotSegment(domain: string): boolean {
  return domain.split("/").some((segment) => segment === "." || segment === "..");
}
