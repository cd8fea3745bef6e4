import { domainPattern, hasDotSegment, normalizeDomain } from "../provider/schemas";
import { codes, DmError } from "./errors";

/**
 * Domains are paths: "/", "/acme/", "/acme/plant-1/". Accepts them without the outer slashes too, but
 * not "." or ".." segments; the provider's schema holds domains to the same rule.
 */
export function parseDomain(raw: string): string {
  const domain = normalizeDomain(raw);
  if (!domainPattern.test(domain))
    throw new DmError(codes.invalidPayload, `"${raw}" is not a valid domain path`);
  if (hasDotSegment(domain))
    throw new DmError(
      codes.invalidPayload,
      `"${raw}" is not a valid domain path: "." and ".." segments are not domain names`,
    );
  return domain;
}

/** A caller sees its own domain and everything below it; anything else does not exist for it. */
export function assertVisible(domain: string, root: string): void {
  if (!domain.startsWith(root)) throw new DmError(codes.domainNotFound, `domain ${domain} not found`);
}

/** The last segment, DM's $domainName. */
export function domainName(domain: string): string {
  return /([^/]+)\/*$/.exec(domain)?.[1] ?? "";
}

/** The domain and its ancestors, nearest first: subdomains inherit their parent's Kafka properties. */
export function ancestry(domain: string): string[] {
  const parts = domain.split("/").filter(Boolean);
  return [...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}/`).reverse(), "/"];
}
