import { randomBytes } from "node:crypto";
import type { SandboxOptions } from "./options";
import { codes, DmError } from "./errors";
import { parseDomain } from "./domains";

export interface Principal {
  name: string;
  /** Default domain for requests that name none. */
  domain: string;
  /** Root of what the caller may see. */
  root: string;
}

/** Static bearer tokens, and tokens issued by the password grant with a lifetime (DM has no refresh tokens). */
export class Authenticator {
  private issued = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly options: SandboxOptions,
    private readonly now: () => number = Date.now,
  ) {}

  login(
    username: string | undefined,
    password: string | undefined,
  ): { access_token: string; token_type: string; expires_in: string } {
    const user = this.options.users.find((u) => u.username === username && u.password === password);
    if (!user) throw new DmError(codes.unauthorized, "invalid username or password");
    const domain = parseDomain(user.domain ?? this.options.defaultDomain);
    const token = randomBytes(24).toString("base64url");
    this.issued.set(token, {
      principal: { name: user.username, domain, root: domain },
      expiresAt: this.now() + this.options.tokenTtlSeconds * 1000,
    });
    return { access_token: token, token_type: "Bearer", expires_in: String(this.options.tokenTtlSeconds) };
  }

  authenticate(authorization: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) throw new DmError(codes.unauthorized, "missing bearer token");
    const token = match[1]!;
    if (this.options.tokens.includes(token)) {
      return { name: "static-token", domain: parseDomain(this.options.defaultDomain), root: "/" };
    }
    const issued = this.issued.get(token);
    if (!issued) throw new DmError(codes.unauthorized, "invalid token");
    if (this.now() >= issued.expiresAt) {
      this.issued.delete(token);
      throw new DmError(codes.unauthorized, "token expired");
    }
    return issued.principal;
  }
}
