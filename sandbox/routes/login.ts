import type { FastifyInstance } from "fastify";
import { loginApiPath } from "../../provider/schemas";
import type { Authenticator } from "../auth";
import { codes, DmError } from "../errors";

type Form = Record<string, string | undefined>;

/** The two ways to get a DM token (docs/dm-contract.md § 6): form-encoded, with no refresh token. */
export function registerLoginRoutes(app: FastifyInstance, auth: Authenticator): void {
  // DM's password grant: 201. The SDK sends no grant_type, so it is optional, but must be right if given.
  app.post(loginApiPath, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    if (form.grant_type !== undefined && form.grant_type !== "password")
      throw new DmError(codes.invalidPayload, 'grant_type must be "password"');
    return reply.code(201).send(auth.login(form.username, form.password));
  });

  // Service accounts go through Keycloak, which answers 200 (any realm name is accepted).
  app.post<{ Params: { realm: string } }>(
    "/iam/realms/:realm/protocol/openid-connect/token",
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      if (form.grant_type !== "client_credentials")
        throw new DmError(codes.invalidPayload, 'grant_type must be "client_credentials"');
      return reply.code(200).send(auth.loginServiceAccount(form.client_id, form.client_secret));
    },
  );
}
