import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { bearerToken } from "./auth";
import { codes, DmError } from "./errors";
import type { SandboxOptions } from "./options";

/** Not one of DM's codes: the admin API's own, in DM's shape (status = first three digits). */
const unsupportedMediaType = 4150;

/** Host names that can only mean this machine; a DNS name (other than localhost) could be rebound. */
function localNames(host: string): Set<string> {
  const configured = host.includes(":") ? `[${host}]` : host;
  return new Set(["localhost", "127.0.0.1", "[::1]", configured.toLowerCase()]);
}

/** `name[:port]` or `[v6][:port]`; the port defaults to 80, as a browser would leave it out. */
function splitHostHeader(value: string): { name: string; port: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? 80 : Number(match[2]) };
}

/** An http: Origin's `host[:port]`; "null" (sandboxed frames, file: pages) does not parse: refused. */
function originHost(origin: string): string | undefined {
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  return url?.protocol === "http:" ? url.host : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What the admin API trusts. It mints root tokens, shows secrets in clear and wipes the store, so a web
 * page the developer happens to have open must not reach it:
 * - a DNS-rebound name would make the page same-origin with the sandbox, so the Host must be a local
 *   name with the sandbox's port;
 * - a cross-site form or `fetch` carries a foreign Origin (or `Sec-Fetch-Site: cross-site`);
 * - browsers send text/plain, form and multipart bodies cross-site without a CORS preflight, so only
 *   application/json bodies are read (a bodiless call may have no Content-Type at all);
 * - an optional admin token for anything beyond that (a shared machine, a wider --bind).
 * Runs before the body is read, so a refused request never reaches a parser or a route.
 */
export function adminGuard(options: SandboxOptions): (request: FastifyRequest) => Promise<void> {
  // The configured bind address: a Host header naming it is local too.
  const names = localNames(options.host);
  return async (request) => {
    // The port the connection really arrived on: the Host must name it, as a same-origin request does.
    const port = request.socket.localPort ?? 0;
    const isLocal = (value: string | undefined) => {
      const host = splitHostHeader(value ?? "");
      return host !== undefined && names.has(host.name) && host.port === port;
    };
    if (!isLocal(request.headers.host))
      throw new DmError(
        codes.forbidden,
        `admin API: Host "${request.headers.host ?? ""}" is not this sandbox (use localhost, 127.0.0.1 or [::1] with port ${port})`,
      );
    const origin = request.headers.origin;
    if (origin !== undefined && !isLocal(originHost(origin)))
      throw new DmError(codes.forbidden, `admin API: cross-origin requests are refused (Origin "${origin}")`);
    const site = request.headers["sec-fetch-site"];
    if (site === "cross-site" || site === "same-site")
      throw new DmError(
        codes.forbidden,
        `admin API: cross-origin requests are refused (Sec-Fetch-Site ${site})`,
      );
    if (options.adminToken !== undefined) {
      const token = bearerToken(request.headers.authorization);
      if (token === undefined || !sameSecret(token, options.adminToken))
        throw new DmError(codes.unauthorized, "admin API: send Authorization: Bearer <admin token>");
    }
    const type = request.headers["content-type"];
    const hasBody =
      request.headers["transfer-encoding"] !== undefined ||
      Number(request.headers["content-length"] ?? 0) > 0;
    if (type !== undefined ? !/^application\/json\s*(;|$)/i.test(type) : hasBody)
      throw new DmError(
        unsupportedMediaType,
        `admin API: bodies must be application/json${type === undefined ? "" : `, got "${type}"`}`,
      );
  };
}
