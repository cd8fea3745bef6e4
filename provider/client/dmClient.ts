import type { DmSettings } from "../config";
import { type HandlerKind, type HandlerTestResult, handlerApiPath } from "../schemas";
import { defaultRetryPolicy } from "./retry";
import { TokenSource } from "./auth";
import { DmApiError } from "./errors";
import { HttpClient, type HttpCall, type HttpResponse } from "./http";

/** Parses a response body; the provider passes the shared zod schemas here. */
export type Parser<T> = (body: unknown) => T;

/**
 * The DM device-event-handler API. Every method names what it does in its errors ("create webhook
 * handler \"alerts\""), so a failed `pulumi up` says which handler failed and why.
 */
export class DmClient {
  readonly http: HttpClient;
  private readonly tokens: TokenSource;

  constructor(
    private readonly settings: DmSettings,
    private readonly extraSecrets: () => Iterable<string | undefined> = () => [],
  ) {
    const credentials = settings.credentials;
    this.http = new HttpClient({
      timeoutMs: settings.timeoutMs,
      retry: { ...defaultRetryPolicy, budgetMs: settings.retryBudgetMs },
      secrets: () => [
        ...(credentials.kind === "token" ? [credentials.token] : [credentials.password]),
        ...this.extraSecrets(),
      ],
    });
    this.tokens = new TokenSource(settings.baseUrl, credentials, this.http);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private url(path: string, domain?: string): string {
    const query = domain ? `?domain=${encodeURIComponent(domain)}` : "";
    return `${this.settings.baseUrl}${handlerApiPath}${path}${query}`;
  }

  /** Sends an authenticated call; a 401 with password credentials logs in again once. */
  private async call(call: Omit<HttpCall, "headers">, accept: number[] = []): Promise<HttpResponse> {
    const send = async () =>
      this.http.send({ ...call, headers: { authorization: `Bearer ${await this.tokens.token()}` } }, accept);
    try {
      return await send();
    } catch (error) {
      if (error instanceof DmApiError && error.status === 401 && this.tokens.canRenew) {
        this.tokens.invalidate();
        return send();
      }
      throw error;
    }
  }

  /** The list call's URL, for messages that tell a user how to look at a domain's handlers. */
  listUrl(domain: string | undefined): string {
    return this.url("", domain);
  }

  async list<T>(domain: string | undefined, parse: Parser<T[]>): Promise<T[]> {
    const response = await this.call({
      method: "GET",
      url: this.url("", domain),
      operation: `list handlers${domain ? ` in domain ${domain}` : ""}`,
      idempotent: true,
    });
    return parse(response.body);
  }

  /** Returns undefined when DM has no handler with this id. */
  async get<T>(id: string, parse: Parser<T>, label = id): Promise<T | undefined> {
    const response = await this.call(
      {
        method: "GET",
        url: this.url(`/${encodeURIComponent(id)}`),
        operation: `read handler ${label}`,
        idempotent: true,
      },
      [404],
    );
    return response.status === 404 ? undefined : parse(response.body);
  }

  async create(kind: HandlerKind, body: unknown, domain: string | undefined, label: string): Promise<string> {
    const response = await this.call({
      method: "POST",
      url: this.url(`/${kind}`, domain),
      body,
      operation: `create ${kind} handler ${label}`,
      idempotent: false,
    });
    // DM answers with the new id as a JSON string (docs/dm-contract.md § 4); tolerate an {id} object too.
    const id = typeof response.body === "string" ? response.body : (response.body as { id?: unknown })?.id;
    if (typeof id !== "string" || id === "") {
      throw new DmApiError(
        `Coiote DM: create ${kind} handler ${label} returned no id`,
        "create",
        response.status,
        undefined,
      );
    }
    return id;
  }

  async update<T>(kind: HandlerKind, id: string, body: unknown, parse: Parser<T>, label: string): Promise<T> {
    const response = await this.call({
      method: "PUT",
      url: this.url(`/${kind}/${encodeURIComponent(id)}`),
      body,
      operation: `update ${kind} handler ${label} (${id})`,
      // A PUT of the whole desired configuration can be repeated safely.
      idempotent: true,
    });
    return parse(response.body);
  }

  /** Idempotent: a handler that is already gone counts as deleted. */
  async delete(id: string, label: string): Promise<void> {
    await this.call(
      {
        method: "DELETE",
        url: this.url(`/${encodeURIComponent(id)}`),
        operation: `delete handler ${label} (${id})`,
        idempotent: true,
      },
      [404],
    );
  }

  async testExisting(
    id: string,
    parse: Parser<HandlerTestResult>,
    label: string,
  ): Promise<HandlerTestResult> {
    const response = await this.call({
      method: "POST",
      url: this.url(`/test/existing/${encodeURIComponent(id)}`),
      operation: `test handler ${label} (${id})`,
      // Sending one more test event is harmless.
      idempotent: true,
    });
    return parse(response.body);
  }

  async testNew(
    kind: HandlerKind,
    body: unknown,
    domain: string | undefined,
    parse: Parser<HandlerTestResult>,
    label: string,
  ): Promise<HandlerTestResult> {
    const response = await this.call({
      method: "POST",
      url: this.url(`/test/${kind}`, domain),
      body,
      operation: `test ${kind} configuration ${label}`,
      idempotent: true,
    });
    return parse(response.body);
  }
}
