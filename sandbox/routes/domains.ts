import type { FastifyInstance, FastifyRequest } from "fastify";
import { domainsApiPath, handlerApiPath } from "../../provider/schemas";
import type { Principal } from "../auth";
import { ancestry, parseDomain } from "../domains";
import type { SandboxApp } from "../server";

interface Context extends Pick<SandboxApp, "store"> {
  principalOf(request: FastifyRequest): Principal;
}

/** `DELETE …/handler/<id>` (DM API) and `DELETE /__sandbox/handlers/<id>` (admin API). */
const handlerPath = new RegExp(`^(?:${handlerApiPath}|/__sandbox/handlers)/([^/]+)$`);
const kafkaProperties = /^\/__sandbox\/domains\/(.*)\/kafka$/;

/**
 * `GET /api/coiotedm/v3/domains`: the ids of the domains the caller can see, as a JSON array of strings
 * (its own domain first, then every subdomain the sandbox knows of, with the parents between). DM's v3
 * API has a `domains` endpoint (the Coiote Python SDK's `Domains.get_all` is `GET /domains`); this is
 * the part of it `coiote-export --recursive` needs. Every well-formed domain exists in the sandbox, so
 * "known" means: has handlers, had some since the sandbox started, or was given Kafka properties through
 * the admin API (docs/sandbox.md).
 */
export function registerDomainRoutes(app: FastifyInstance, context: Context): void {
  const { store } = context;
  /** Domains that had handlers deleted, or were given Kafka properties, since the start (or the last reset). */
  const remembered = new Set<string>();

  // Writes cost what they cost without this route: one look-up before a delete, one insert after a
  // Kafka properties PUT. The handlers' own domains are read when someone asks.
  app.addHook("onRequest", async (request) => {
    if (request.method !== "DELETE") return;
    const deleted = handlerPath.exec(request.url.split("?")[0]!);
    const domain = deleted ? store.get(deleted[1]!)?.domain : undefined;
    if (domain) remembered.add(domain);
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.method === "GET" || reply.statusCode >= 300) return;
    const path = request.url.split("?")[0]!;
    if (path === "/__sandbox/reset") remembered.clear();
    const kafka = kafkaProperties.exec(path);
    if (kafka && request.method === "PUT") {
      try {
        remembered.add(parseDomain(decodeURIComponent(kafka[1]!)));
      } catch {
        // a malformed domain was refused by the route itself
      }
    }
  });

  app.get(domainsApiPath, async (request) => {
    const principal = context.principalOf(request);
    const known = new Set(remembered);
    for (const handler of store.all()) known.add(handler.domain);
    const visible = new Set<string>([principal.root]);
    for (const domain of known) {
      if (!domain.startsWith(principal.root)) continue;
      // The parents between the caller's root and a known domain exist too.
      for (const parent of ancestry(domain)) if (parent.startsWith(principal.root)) visible.add(parent);
    }
    return [...visible].sort();
  });
}
