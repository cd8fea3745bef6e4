import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth";
import { codes, DmError } from "../errors";

/** DM's password grant: form-encoded, 201 with a short-lived bearer token and no refresh token. */
export function registerLoginRoutes(app: FastifyInstance, auth: Authenticator): void {
  app.post("/api/auth/oauth_password", async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    if (form.grant_type !== undefined && form.grant_type !== "password") {
      throw new DmError(codes.invalidPayload, 'grant_type must be "password"');
    }
    return reply.code(201).send(auth.login(form.username, form.password));
  });
}
