import { isIP } from "node:net";
import { codes, DmError } from "./errors";
import type { EventHandlerConfiguration } from "../provider/schemas";
import { parseProperties } from "./delivery/kafka";

/** Loopback, private, link-local and unspecified addresses, and localhost names. */
function isInternalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split(".").map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(h) === 6)
    return h === "::1" || h === "::" || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80");
  return false;
}

/** With restrictInternal on, refuse targets inside the installation's network, as DM can (4005/4006). */
export function assertAllowedTargets(config: EventHandlerConfiguration, restrictInternal: boolean): void {
  if (!restrictInternal) return;
  if (config.type === "webhook") {
    if (isInternalHost(new URL(config.connectionConfig.uri).hostname)) {
      throw new DmError(
        codes.uriForbidden,
        `handler URI ${config.connectionConfig.uri} is forbidden: internal address`,
      );
    }
    return;
  }
  if (config.connectionConfig.type !== "custom") return;
  const servers = parseProperties(config.connectionConfig.value)["bootstrap.servers"] ?? "";
  for (const server of servers
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const host = server.replace(/:\d+$/, "");
    if (isInternalHost(host))
      throw new DmError(
        codes.bootstrapForbidden,
        `bootstrap server ${server} is forbidden: internal address`,
      );
  }
}
