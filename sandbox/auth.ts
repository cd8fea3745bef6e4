import { randomBytes } from "node:crypto";
import type { LoginResponse } from "../provider/schemas";
import type { SandboxOptions } from "./options";
import { codes, DmError } from "./errors";
import { parseDomain } from "./domains";

export interface Principal {
  name: string;
  /** Default domain for requests that name none. */
  domain: string;
  /** Root of what the caller may see: its own domain and every subdomain. */
  root: string;
}

/** What both grants answer (docs/dm-contract.md § 6): DM quotes expires_in, so the sandbox does too. */
export type IssuedToken = Required<LoginResponse>;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}

/**
 * Static bearer tokens (they act in the default domain and may reach every domain), and tokens issued by
 * the password grant, the service-account grant or the admin API, each with a lifetime and bound to one
 * domain tree. DM has no refresh tokens: a client logs in again.
 */
export class Authenticator {
  private issued = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly options: SandboxOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** `POST /api/auth/oauth_password`. */
  login(username: string | undefined, password: string | undefined): IssuedToken {
    const user = this.options.users.find((u) => u.username === username && u.password === password);
    if (!user) throw new DmError(codes.unauthorized, "invalid username or password");
    return this.grant(user.username, user.domain);
  }

  /** Keycloak's client_credentials grant, which DM's service accounts use. */
  loginServiceAccount(clientId: string | undefined, clientSecret: string | undefined): IssuedToken {
    const account = this.options.serviceAccounts.find(
      (a) => a.clientId === clientId && a.clientSecret === clientSecret,
    );
    if (!account) throw new DmError(codes.unauthorized, "invalid client credentials");
    return this.grant(account.clientId, account.domain);
  }

  /** A grant's token: the configured lifetime, in the account's domain or the default one. */
  private grant(name: string, domain: string | undefined): IssuedToken {
    return this.issue(name, domain ?? this.options.defaultDomain, this.options.tokenTtlSeconds);
  }

  /** A token for a domain, minted by the admin API (tests of domain visibility and expiry). */
  issue(name: string, rawDomain: string, ttlSeconds: number, token?: string): IssuedToken {
    const domain = parseDomain(rawDomain);
    const accessToken = token ?? randomBytes(24).toString("base64url");
    this.issued.set(accessToken, {
      principal: { name, domain, root: domain },
      expiresAt: this.now() + ttlSeconds * 1000,
    });
    return { access_token: accessToken, token_type: "Bearer", expires_in: String(ttlSeconds) };
  }

  authenticate(authorization: string | undefined): Principal {
    const token = bearerToken(authorization);
    if (token === undefined) throw new DmError(codes.unauthorized, "missing bearer token");
    if (this.options.tokens.includes(token))
      return { name: "static-token", domain: parseDomain(this.options.defaultDomain), root: "/" };
    const issued = this.issued.get(token);
    if (!issued) throw new DmError(codes.unauthorized, "invalid token");
    if (this.now() >= issued.expiresAt) {
      this.issued.delete(token);
      throw new DmError(codes.unauthorized, "token expired");
    }
    return issued.principal;
  }
}
