import type { DmCredentials } from "../config";
import { defaultTokenLifetimeSeconds, issuePath, loginApiPath, loginResponseSchema } from "../schemas";
import type { HttpClient } from "./http";

/**
 * Supplies the bearer token for DM calls. A static token is used as given; a username and password are
 * exchanged at the password-grant endpoint, and exchanged again shortly before expiry or after a 401
 * (DM issues no refresh tokens).
 */
export class TokenSource {
  private current?: { token: string; expiresAt: number };
  private loggingIn?: Promise<string>;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: DmCredentials,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  get canRenew(): boolean {
    return this.credentials.kind === "password";
  }

  async token(): Promise<string> {
    if (this.credentials.kind === "token") return this.credentials.token;
    if (this.current && this.now() < this.current.expiresAt) return this.current.token;
    // Calls that find no valid token at the same moment share one login.
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  /** Forget the cached token (after a 401), so the next call logs in again. */
  invalidate(): void {
    this.current = undefined;
  }

  private async login(): Promise<string> {
    if (this.credentials.kind !== "password") throw new Error("unreachable: static tokens need no login");
    const response = await this.http.send({
      method: "POST",
      url: `${this.baseUrl}${loginApiPath}`,
      form: {
        grant_type: "password",
        username: this.credentials.username,
        password: this.credentials.password,
      },
      operation: `log in as "${this.credentials.username}"`,
      idempotent: true,
    });
    const parsed = loginResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      const what =
        first.path[0] === "access_token"
          ? "no access_token"
          : `an unexpected answer: ${issuePath(first.path)}: ${first.message}`;
      throw new Error(`Coiote DM: log in as "${this.credentials.username}" returned ${what}`);
    }
    const body = parsed.data;
    // expires_in arrives as a quoted number in DM's docs; renew a little early so a call never races expiry.
    const lifetimeMs = Number(body.expires_in ?? defaultTokenLifetimeSeconds) * 1000;
    const marginMs = Math.min(30_000, lifetimeMs / 4);
    this.current = { token: body.access_token, expiresAt: this.now() + lifetimeMs - marginMs };
    return body.access_token;
  }
}
