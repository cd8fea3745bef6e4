import { type RunningSandbox, startSandbox, type SandboxOptions } from "../sandbox";

/**
 * One entry of the sandbox's request log (see `DmSandbox.requests`): a request to the DM side of the
 * sandbox (paths under `/api/` and `/iam/`, so logins too), never one to its admin API. The log holds
 * neither bodies nor headers. The entries carry more fields at run time (`time`, `fault`); this
 * type names the ones tests count by.
 */
export interface LoggedRequest {
  /** The HTTP method, upper case: `"GET"`, `"POST"`, `"PUT"`, `"DELETE"`. */
  method: string;
  /** The request path without the query string, e.g. `/api/coiotedm/v3/deviceEvents/handler/webhook`. */
  path: string;
  /** The query string without its `?` (empty when none), e.g. `domain=%2Facme%2F`. */
  query: string;
  /**
   * The HTTP status the sandbox answered with (an injected fault's, if one fired); 0 while the request is
   * still being answered, or when the connection was dropped before an answer (a `drop` fault).
   */
  status: number;
}

/**
 * An event handler as the sandbox stores it, from `DmSandbox.handlers`: DM's fields with the secrets in
 * clear (never masked, whatever the sandbox's `masking`). At run time it also carries `allowFailures`,
 * `createdAt` (ISO 8601) and `consecutiveFailures` (delivery failures in a row).
 */
export interface SandboxHandler {
  /** The id DM assigned (24 hex digits); the resource's id in the Pulumi state. */
  id: string;
  /** The handler type; it decides the shape of `connectionConfig`. */
  type: "webhook" | "kafka";
  /** The handler's display name in DM. */
  name: string;
  /** Whether DM delivers events to it. The sandbox clears it when it sets `status` to `"failed"`. */
  enabled: boolean;
  /** The domain the handler belongs to, as a path with a trailing slash, e.g. `/sandbox/`. */
  domain: string;
  /** The handler's description; `null` when it has none. */
  description?: string | null;
  /**
   * Where and how events are delivered (a webhook's `uri`, `auth`, headers and body template; a Kafka
   * handler's topic and producer configuration), with write-only secrets (`auth.password`, `auth.token`,
   * `auth.value`, a Kafka custom `value`) in clear.
   */
  connectionConfig: Record<string, unknown>;
  /** Which events the handler receives: a telemetry filter (LwM2M paths) or a lifecycle one (event types). */
  filter: Record<string, unknown>;
  /**
   * DM's status: `"active"`, `"inactive"` (disabled), or `"failed"` (switched off after 5 delivery
   * failures in a row, unless `allowFailures`).
   */
  status?: string;
}

const dmApi = "/api/coiotedm/v3";
const handlerApi = `${dmApi}/deviceEvents/handler`;

/**
 * Classifies a DM API request for counting calls per operation: `write` (a handler created, updated or
 * deleted), `test` (DM sends a test event), `read` (GET), `other` (not the handler API, e.g. a login).
 */
export function classify(request: LoggedRequest): "write" | "test" | "read" | "other" {
  if (!request.path.startsWith(handlerApi)) return "other";
  if (request.path.startsWith(`${handlerApi}/test/`)) return "test";
  return request.method === "GET" ? "read" : "write";
}

/**
 * A running sandbox plus the admin calls tests need: the request log (to count API calls per operation),
 * the unmasked handler store, out-of-band edits (drift), and event injection.
 */
export class DmSandbox {
  private constructor(
    /**
     * The sandbox's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash); the DM API is under
     * `/api/coiotedm/v3`, the admin API under `/__sandbox`. The value for `coiote:url`.
     */
    readonly url: string,
    /**
     * The static bearer token the sandbox accepts for its DM API: the first of `options.tokens`, else
     * `"sandbox-test-token-0001"`. The value for `coiote:token`; `api` sends it.
     */
    readonly token: string,
    private readonly running: RunningSandbox | undefined,
  ) {}

  /**
   * The server itself (`startSandbox`'s answer): its port, store and options, for tests of the sandbox.
   *
   * @throws For a sandbox of another process (`connect`): its server is not in this one.
   */
  get server(): RunningSandbox {
    if (!this.running) throw new Error(`the sandbox at ${this.url} runs in another process`);
    return this.running;
  }

  /**
   * A sandbox already running elsewhere, e.g. `coiote-sandbox` started as its own process (it prints
   * `coiote-sandbox listening on <url>`): the admin calls and `api` work as for one `start` started;
   * `server` throws, and `stop` does nothing (whoever started the process stops it).
   *
   * @param url The sandbox's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
   * @param token A static bearer token the sandbox accepts (its `--token`), sent by `api`.
   */
  static connect(url: string, token: string): DmSandbox {
    return new DmSandbox(url, token, undefined);
  }

  /**
   * Starts a sandbox and resolves once it accepts requests. It listens on a free port of 127.0.0.1
   * unless `options` say otherwise; every option left out takes the sandbox's default (see
   * docs/sandbox.md), and `tokens` always holds at least the one in `token`. This class's admin calls send
   * no admin token, so they fail against a sandbox started with `adminToken`.
   *
   * @param options `SandboxOptions` of `pulumi-coiote/sandbox`, as `startSandbox` takes them.
   * @returns The running sandbox; call `stop` when done (`useSandboxAndReceiver` does).
   * @throws When the server cannot listen (e.g. a fixed `port` is taken) or an option is invalid.
   */
  static async start(options: Partial<SandboxOptions> = {}): Promise<DmSandbox> {
    const token = options.tokens?.[0] ?? "sandbox-test-token-0001";
    const sandbox = await startSandbox({
      port: 0,
      ...options,
      tokens: [token, ...(options.tokens?.slice(1) ?? [])],
    });
    return new DmSandbox(sandbox.url, token, sandbox);
  }

  /**
   * Stops the server: closes its connections and cancels every delivery waiting or in flight. Resolves
   * once it is closed; a stopped sandbox cannot be started again. Does nothing for one of `connect`.
   */
  async stop(): Promise<void> {
    await this.running?.stop();
  }

  /**
   * Stack config that points the provider at this sandbox, plus any extra keys.
   *
   * @param extra More keys by their full name, e.g. `{ "coiote:domain": "/acme/" }`; stored as plain
   *   values.
   * @returns A `ConfigMap` for `ProgramStackOptions.config` or `ProgramStack.setConfig`: `coiote:url`,
   *   `coiote:token` (as a secret) and the extra keys.
   */
  providerConfig(extra: Record<string, string> = {}): Record<
    string,
    {
      /** The config value, in plain text. */
      value: string;
      /** True for `coiote:token`, which Pulumi then stores encrypted. */
      secret?: boolean;
    }
  > {
    return {
      "coiote:url": { value: this.url },
      "coiote:token": { value: this.token, secret: true },
      ...Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, { value }])),
    };
  }

  /**
   * A call to the sandbox's admin API (under `/__sandbox`, no token), for what the named methods do not
   * cover; see docs/sandbox.md for the routes.
   *
   * @param method The HTTP method, e.g. `"GET"`.
   * @param path The path under `/__sandbox`, e.g. `/deliveries`.
   * @param body Sent as JSON when given.
   * @returns The parsed JSON answer (`undefined` when empty), typed as the caller says.
   * @throws When the admin API answers with an error status; the message carries its answer.
   */
  async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.send(method, `/__sandbox${path}`, body, { token: null });
    if (answer.status >= 400)
      throw new Error(`sandbox admin ${method} ${path}: HTTP ${answer.status} ${answer.text}`);
    return answer.body as T;
  }

  /**
   * The DM API as a user's own script would call it (for objects made outside Pulumi), or as a hostile
   * client would (another token, none, a body that is not JSON).
   *
   * @param method The HTTP method, e.g. `"POST"`.
   * @param path The path under `/api/coiotedm/v3`, with any query, e.g.
   *   `/deviceEvents/handler/webhook?domain=%2Fsandbox%2F`.
   * @param body Sent as JSON when given.
   * @param options `token`: the bearer token to send instead of this sandbox's (`null`: none); `raw`: a
   *   body sent as it is instead of `body`; `contentType`: the body's type (default `application/json`).
   * @returns The HTTP status and the answer: parsed JSON, or the text when it is not JSON (`undefined`
   *   when empty); a 4xx or 5xx answer resolves too.
   * @throws When the sandbox cannot be reached.
   */
  async api<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; raw?: string; contentType?: string } = {},
  ): Promise<{
    /** The HTTP status; a 4xx or 5xx answer resolves too, it does not throw. */
    status: number;
    /** The answer's JSON, parsed (its text when it is not JSON); typed as the caller says. */
    body: T;
  }> {
    const { status, body: answer } = await this.send(method, `${dmApi}${path}`, body, options);
    return { status, body: answer as T };
  }

  /** One HTTP call to the sandbox: the answer's JSON, or its text when it is not JSON (an error page). */
  private async send(
    method: string,
    path: string,
    body: unknown,
    options: { token?: string | null; raw?: string; contentType?: string },
  ): Promise<{ status: number; body: unknown; text: string }> {
    const bearer = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
    if (body !== undefined || options.raw !== undefined)
      headers["content-type"] = options.contentType ?? "application/json";
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    let parsed: unknown = text === "" ? undefined : text;
    try {
      if (text) parsed = JSON.parse(text);
    } catch {
      // Not JSON: the caller gets the text.
    }
    return { status: response.status, body: parsed, text };
  }

  /**
   * Creates a handler through the DM API, as a person in DM's UI would (outside Pulumi).
   *
   * @param domain The domain path, e.g. `/acme/`.
   * @param body The handler as DM's create call takes it; its `type` picks the endpoint.
   * @returns The new handler's id.
   * @throws When DM refuses it; the message carries DM's answer.
   */
  async createHandler(domain: string, body: Record<string, unknown>): Promise<string> {
    const path = `/deviceEvents/handler/${String(body.type)}?domain=${encodeURIComponent(domain)}`;
    const answer = await this.api<unknown>("POST", path, body);
    if (answer.status !== 201 || typeof answer.body !== "string")
      throw new Error(`create handler in ${domain}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * One handler as DM's API shows it (secrets masked when the sandbox masks them).
   *
   * @returns The handler, or `undefined` when DM has none with this id.
   * @throws When DM answers with another error status.
   */
  async getHandler(id: string): Promise<Record<string, unknown> | undefined> {
    const answer = await this.api<Record<string, unknown>>(
      "GET",
      `/deviceEvents/handler/${encodeURIComponent(id)}`,
    );
    if (answer.status === 404) return undefined;
    if (answer.status !== 200)
      throw new Error(`read handler ${id}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * The sandbox's request log, oldest first: every DM API request since the start or the last `reset`.
   * The log is bounded (the sandbox's `requestLogLimit`, 10 000 by default): past that the oldest entries
   * are dropped.
   *
   * @throws When the admin API answers with an error status.
   */
  requests(): Promise<LoggedRequest[]> {
    return this.admin<LoggedRequest[]>("GET", "/requests");
  }

  /** Requests logged since `mark` (a count taken earlier with requests().length). */
  async requestsSince(mark: number): Promise<LoggedRequest[]> {
    return (await this.requests()).slice(mark);
  }

  /** Empties the request log, so the next `requests()` shows only what comes after. */
  async clearRequests(): Promise<void> {
    await this.admin("DELETE", "/requests");
  }

  /**
   * Every handler in the sandbox, in all domains, unmasked: what a test asserts against after an `up`.
   *
   * @throws When the admin API answers with an error status.
   */
  handlers(): Promise<SandboxHandler[]> {
    return this.admin<SandboxHandler[]>("GET", "/handlers");
  }

  /**
   * Changes a handler outside Pulumi, as a person in DM's UI would: drift for `refresh` to find. `patch`
   * is a DM PUT body (fields left out keep their value; a `connectionConfig` given replaces the whole
   * one); `id`, `type`, `domain`, `createdAt`, `status` and `consecutiveFailures` may only be repeated
   * unchanged. Changing `enabled` sets `status` to `"active"` or `"inactive"`.
   *
   * @returns The handler as stored now, unmasked.
   * @throws When no handler has this id (HTTP 404), or when the result is not a valid handler (HTTP 400);
   *   the message carries the sandbox's answer.
   */
  editHandler(id: string, patch: Record<string, unknown>): Promise<unknown> {
    return this.admin("POST", `/handlers/${id}`, patch);
  }

  /**
   * Deletes a handler outside Pulumi, as if it was removed in DM's UI; its waiting deliveries are dropped and
   * those in flight aborted.
   *
   * @returns An empty object.
   * @throws When no handler has this id (HTTP 404).
   */
  deleteHandler(id: string): Promise<unknown> {
    return this.admin("DELETE", `/handlers/${id}`);
  }

  /**
   * Sets a domain's Kafka producer properties, which DM keeps behind no API (it has them set in its UI).
   * Kafka handlers with a `domainProperty` connection in this domain or below it produce with them, and
   * creating such a handler fails (code 4003) while the domain has none, own or inherited.
   *
   * @param domain A domain path such as `/sandbox/` (the trailing slash is optional).
   * @param properties Java `.properties` text, e.g. `"bootstrap.servers=127.0.0.1:9092"`.
   * @returns `{ domain, properties }` as stored.
   * @throws When the domain path is invalid or the admin API answers with another error status.
   */
  setDomainKafkaProperties(domain: string, properties: string): Promise<unknown> {
    return this.admin("PUT", `/domains${domain.replace(/\/$/, "")}/kafka`, { properties });
  }

  /**
   * Injects device events, which the sandbox delivers to every enabled handler of the event's own domain
   * whose filter matches. Each event is telemetry `{ domain, endpointName, url, value, timestamp? }`
   * (`url` an LwM2M resource path such as `/3303/0/5700`) or lifecycle `{ domain, endpointName, subtype,
   * metadata?, timestamp? }`; `timestamp` is in milliseconds since the epoch (default: now).
   *
   * @param wait When true (the default), resolves once every delivery has ended, with
   *   `{ events, deliveries, results }` (one result per delivery); when false, resolves at once with
   *   `{ events, deliveries }` (deliveries started) and the outcomes go to the delivery log only.
   * @throws When an event is invalid (HTTP 400); then none of them is delivered.
   */
  injectEvents(events: unknown[], wait = true): Promise<unknown> {
    return this.admin("POST", `/events${wait ? "?wait=true" : ""}`, events);
  }

  /**
   * Adds a fault for the next DM API requests that match it: `{ pathPattern, method?, times?, kind,
   * latencyMs?, status?, retryAfter?, afterCommit? }`, where `kind` is `"latency"` (wait `latencyMs`,
   * then answer), `"status"` (answer `status`, 503 by default) or `"drop"` (close the connection), for
   * `times` requests (1 by default); `afterCommit` runs the request first. Details: docs/sandbox.md.
   *
   * @returns The fault as the sandbox lists it, with its `id`, `remaining` and `fired` counts.
   * @throws When the fault is invalid (HTTP 400).
   */
  addFault(fault: Record<string, unknown>): Promise<unknown> {
    return this.admin("POST", "/faults", fault);
  }

  /**
   * Removes every fault, pending or spent.
   *
   * @returns An empty object.
   */
  clearFaults(): Promise<unknown> {
    return this.admin("DELETE", "/faults");
  }

  /**
   * Empties the sandbox: handlers, domain Kafka properties, faults, the request log and the delivery log;
   * deliveries waiting or in flight are cancelled. Tokens and options stay.
   *
   * @returns An empty object.
   */
  reset(): Promise<unknown> {
    return this.admin("POST", "/reset");
  }
}
