/**
 * Domains are paths of names: "/", "/acme/", "/acme/plant-1/". A name is letters, digits, ".", "_" and
 * "-", as DM's domain ids are; "." and ".." are no names (hasDotSegment). The provider refuses at preview
 * what the sandbox (and DM) would refuse on the first write.
 */
export const domainPattern = /^\/([A-Za-z0-9_.-]+\/)*$/;

/** Accepts a domain without its outer slashes too ("acme/plant-1" is "/acme/plant-1/"). */
export function normalizeDomain(domain: string): string {
  const trimmed = domain.trim().replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}/`;
}

/**
 * A "." or ".." segment ("/acme/../"): a path walk, not a domain. DM's domains are names; accepting the
 * walk would make "/acme/../" a different, visible-to-"/acme/" spelling of "/".
 */
export function hasDotSegment(domain: string): boolean {
  return domain.split("/").some((segment) => segment === "." || segment === "..");
}

export const domainPatternMessage =
  'must be a domain path like "/acme/plant-1/" (names of letters, digits, ".", "_" and "-", each followed by "/")';
export const dotSegmentMessage = 'must not have "." or ".." segments';
