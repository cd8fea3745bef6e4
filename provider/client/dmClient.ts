import type { DmSettings } from "../config";
import type { z } from "zod";
import {
  type EventHandler,
  eventHandlerListSchema,
  eventHandlerSchema,
  type HandlerKind,
  type HandlerTestResult,
  handlerApiPath,
  handlerTestResultSchema,
  issuePath,
} from "../schemas";
import { stableStringify } from "../canonical";
import { defaultRetryPolicy } from "./retry";
import { TokenSource } from "./auth";
import { DomainReads } from "./domainReads";
import { DmApiError } from "./errors";
import { HttpClient, type HttpCall, type HttpResponse } from "./http";

interface Connection {
  http: HttpClient;
  tokens: TokenSource;
  reads: DomainReads;
  shared?: boolean;
}

const sharedConnections = new Map<string, Connection>();

function openConnection(settings: DmSettings): Connection {
  const { credentials } = settings;
  const http = new HttpClient({
    timeoutMs: settings.timeoutMs,
    retry: { ...defaultRetryPolicy, budgetMs: settings.retryBudgetMs },
    secrets: () => [credentials.kind === "token" ? credentials.token : credentials.password],
  });
  return { http, tokens: new TokenSource(settings.baseUrl, credentials, http), reads: new DomainReads() };
}

/** Parses a response body; the provider passes the shared zod schemas here. */
export type Parser<T> = (body: unknown) => T;

/**
 * The DM device-event-handler API. Every method names what it does in its errors ("create webhook
 * handler \"alerts\""), so a failed `pulumi up` says which handler failed and why.
 */
export class DmClient {
  readonly http: HttpClient;
  private readonly tokens: TokenSource;

  /**
   * @param extraSecrets Values besides the credentials that no error of this client may show (the
   *   handler's own secrets).
   * @param connection The HTTP client and token source to use; by default this client's own, closed by
   *   `close()`.
   */
  constructor(
    private readonly settings: DmSettings,
    private readonly extraSecrets: () => Iterable<string | undefined> = () => [],
    private readonly connection: Connection = openConnection(settings),
  ) {
    this.http = connection.http;
    this.tokens = connection.tokens;
  }

  /**
   * A client on the provider process's one connection to these settings' DM: every operation of a
   * `pulumi up` reuses the same kept-alive sockets and the same login, instead of opening and logging
   * in once per handler. Closing it leaves the connection open for the next operation.
   */
  static shared(settings: DmSettings, extraSecrets: () => Iterable<string | undefined>): DmClient {
    const key = stableStringify(settings);
    let connection = sharedConnections.get(key);
    if (!connection) sharedConnections.set(key, (connection = { ...openConnection(settings), shared: true }));
    return new DmClient(settings, extraSecrets, connection);
  }

  async close(): Promise<void> {
    if (!this.connection.shared) await this.http.close();
  }

  private url(path: string, domain?: string): string {
    const query = domain ? `?domain=${encodeURIComponent(domain)}` : "";
    return `${this.settings.baseUrl}${handlerApiPath}${path}${query}`;
  }

  /**
   * One authenticated call of the handler API; a 401 with password credentials logs in again once. Every
   * call but a create can be repeated safely (a PUT sends the whole configuration, a test one more event).
   */
  private async call(
    method: HttpCall["method"],
    path: string,
    operation: string,
    options: { domain?: string; body?: unknown; idempotent?: boolean; accept?: number[] } = {},
  ): Promise<HttpResponse> {
    const { domain, body, idempotent = true, accept = [] } = options;
    const send = async () =>
      this.http.send(
        {
          method,
          url: this.url(path, domain),
          body,
          operation,
          idempotent,
          secrets: this.extraSecrets(),
          headers: { authorization: `Bearer ${await this.tokens.token()}` },
        },
        accept,
      );
    try {
      return await send();
    } catch (error) {
      if (error instanceof DmApiError && error.status === 401 && this.tokens.canRenew) {
        this.tokens.invalidate();
        return send();
      }
      throw error;
    } finally {
      // Anything but a GET may have changed a handler (a test switches one on): older lists are stale.
      if (method !== "GET") this.connection.reads.forget();
    }
  }

  /** The list call's URL, for messages that tell a user how to look at a domain's handlers. */
  listUrl(domain: string | undefined): string {
    return this.url("", domain);
  }

  async list<T = EventHandler>(
    domain: string | undefined,
    parse: Parser<T[]> = parseHandlerList as Parser<T[]>,
  ): Promise<T[]> {
    const operation = `list handlers${domain ? ` in domain ${domain}` : ""}`;
    return parse((await this.call("GET", "", operation, { domain })).body);
  }

  /** Returns undefined when DM has no handler with this id. */
  async get<T = EventHandler>(
    id: string,
    label = id,
    parse: Parser<T> = parseHandler as Parser<T>,
  ): Promise<T | undefined> {
    const response = await this.call("GET", `/${encodeURIComponent(id)}`, `read handler ${label}`, {
      accept: [404],
    });
    return response.status === 404 ? undefined : parse(response.body);
  }

  /**
   * The same for a refresh's reads: from the domain's list where many reads come together (one call per
   * domain instead of one GET per handler, see DomainReads), else by GET.
   */
  async read(id: string, domain: string | undefined, label = id): Promise<EventHandler | undefined> {
    const listed = await this.connection.reads.find(domain ?? "", id, () => this.list(domain));
    return listed ?? this.get(id, label);
  }

  async create(kind: HandlerKind, body: unknown, domain: string | undefined, label: string): Promise<string> {
    const operation = `create ${kind} handler ${label}`;
    const response = await this.call("POST", `/${kind}`, operation, { domain, body, idempotent: false });
    // DM answers with the new id as a JSON string (docs/dm-contract.md § 4); tolerate an {id} object too.
    const id = typeof response.body === "string" ? response.body : (response.body as { id?: unknown })?.id;
    if (typeof id !== "string" || id === "")
      throw new DmApiError(`Coiote DM: ${operation} returned no id`, "create", response.status, undefined);
    return id;
  }

  async update(kind: HandlerKind, id: string, body: unknown, label: string): Promise<EventHandler> {
    const path = `/${kind}/${encodeURIComponent(id)}`;
    return parseHandler(
      (await this.call("PUT", path, `update ${kind} handler ${label} (${id})`, { body })).body,
    );
  }

  /** Idempotent: a handler that is already gone counts as deleted. */
  async delete(id: string, label: string): Promise<void> {
    await this.call("DELETE", `/${encodeURIComponent(id)}`, `delete handler ${label} (${id})`, {
      accept: [404],
    });
  }

  async testExisting(id: string, label: string): Promise<HandlerTestResult> {
    const path = `/test/existing/${encodeURIComponent(id)}`;
    return parseTestResult((await this.call("POST", path, `test handler ${label} (${id})`)).body);
  }

  async testNew(
    kind: HandlerKind,
    body: unknown,
    domain: string | undefined,
    label: string,
  ): Promise<HandlerTestResult> {
    const operation = `test ${kind} configuration ${label}`;
    return parseTestResult((await this.call("POST", `/test/${kind}`, operation, { domain, body })).body);
  }
}

/** A parser that names what DM returned wrong: the first issue's path and reason. */
function parserOf<T>(schema: z.ZodType<T>, what: string): Parser<T> {
  return (body) => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const first = result.error.issues[0];
    const detail = first ? [issuePath(first.path), first.message].filter(Boolean).join(": ") : "invalid";
    throw new Error(`Coiote DM returned an unexpected ${what}: ${detail}`);
  };
}

export const parseHandler = parserOf<EventHandler>(eventHandlerSchema, "handler");
export const parseHandlerList = parserOf<EventHandler[]>(eventHandlerListSchema, "handler list");
const parseTestResult = parserOf<HandlerTestResult>(handlerTestResultSchema, "test result");
