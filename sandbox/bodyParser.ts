import type { FastifyInstance } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route reads no body: an empty one is fine whatever the Content-Type says. */
    bodyless?: boolean;
  }
}

/** Route options for a call that takes no body (a DELETE, `test/existing/{id}`, an admin reset). */
export const bodyless = { config: { bodyless: true } } as const;

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), except that an empty body is no body
 * on routes that take none. Common HTTP clients, DM's own SDK among them, send
 * `Content-Type: application/json` on every request, a bodiless DELETE included, and DM accepts them;
 * Fastify's own parser answers those with "Body cannot be empty".
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body === "" && request.routeOptions.config?.bodyless === true) done(null, undefined);
    else parseJson(request, body as string, done); // parseAs: "string"
  });
}
