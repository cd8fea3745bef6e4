import { Agent, type Dispatcher, request } from "./undiciCore";
import { describeDmError } from "./errorDetail";
import { errorBodyParts } from "../schemas";
import { AmbiguousWriteError, DmApiError } from "./errors";
import { redact } from "./redact";
import { backoffDelay, parseRetryAfter, type RetryPolicy, sleep } from "./retry";
import { ambiguousStatuses, isConnectionError, neverReachedServer, retryableStatuses } from "./retryable";

export interface HttpCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** JSON value or pre-encoded form body. */
  body?: unknown;
  form?: Record<string, string>;
  /** Values besides the client's own secrets that this call's errors must not show. */
  secrets?: Iterable<string | undefined>;
  /** What the caller is doing, for error messages: e.g. `create webhook handler "alerts"`. */
  operation: string;
  /**
   * Whether sending the request twice is harmless. Non-idempotent writes are retried only when the server
   * said it did not process them (429, 503); otherwise the outcome is reported as ambiguous.
   */
  idempotent: boolean;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpOptions {
  timeoutMs: number;
  retry: RetryPolicy;
  /** Values that must never appear in an error message (tokens, passwords). */
  secrets: () => Iterable<string | undefined>;
  /** Called before each retry; lets tests and verbose logging see the policy at work. */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** A small HTTP layer over undici: JSON in and out, timeouts, bounded retries, secret-free errors. */
export class HttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: HttpOptions) {
    this.dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private secretsOf(call: HttpCall): Array<string | undefined> {
    return [...this.options.secrets(), ...(call.secrets ?? [])];
  }

  private fail(call: HttpCall, detail: string, status?: number, code?: number, ambiguous = false): never {
    const message = redact(`Coiote DM: ${call.operation} failed: ${detail}`, this.secretsOf(call));
    throw ambiguous
      ? new AmbiguousWriteError(message, call.operation, status, code)
      : new DmApiError(message, call.operation, status, code);
  }

  private async once(call: HttpCall): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...call.headers };
    let body: string | undefined;
    if (call.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(call.form).toString();
    } else if (call.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    const response = await request(call.url, {
      method: call.method,
      headers,
      body,
      dispatcher: this.dispatcher,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (e.g. a proxy's HTML error page): keep the text for the error message.
      }
    } else parsed = undefined;
    return { status: response.statusCode, body: parsed, headers: response.headers };
  }

  /**
   * Sends the call, retrying within the budget. Returns the response for 2xx and for statuses listed in
   * `accept` (e.g. 404 for an idempotent delete); throws DmApiError otherwise.
   */
  async send(call: HttpCall, accept: number[] = []): Promise<HttpResponse> {
    const started = Date.now();
    const { retry } = this.options;
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let serverDelayMs: number | undefined;
      let response: HttpResponse | undefined;
      try {
        response = await this.once(call);
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        const code = (error as { code?: string }).code ?? error.name;
        reason = `connection error (${code})`;
        if (!call.idempotent && !neverReachedServer(error))
          this.fail(call, `${reason}; the write may have happened`, undefined, undefined, true);
      }
      if (response) {
        if ((response.status >= 200 && response.status < 300) || accept.includes(response.status))
          return response;
        const detail = describeDmError(response.status, response.body, this.secretsOf(call));
        const code = errorBodyParts(response.body).code;
        if (retryableStatuses.has(response.status)) {
          reason = detail;
          serverDelayMs = parseRetryAfter(response.headers["retry-after"]);
        } else if (ambiguousStatuses.has(response.status)) {
          reason = detail;
          if (!call.idempotent)
            this.fail(call, `${detail}; the write may have happened`, response.status, code, true);
        } else {
          this.fail(call, detail, response.status, code);
        }
      }
      const elapsed = Date.now() - started;
      const remaining = retry.budgetMs - elapsed;
      const delayMs = serverDelayMs ?? backoffDelay(attempt, retry);
      if (attempt + 1 >= retry.maxAttempts || delayMs > remaining) {
        const why =
          delayMs > remaining
            ? `the retry budget of ${Math.round(retry.budgetMs / 1000)}s is spent`
            : `${attempt + 1} attempts made`;
        this.fail(
          call,
          `${reason!} (giving up: ${why})`,
          response?.status,
          errorBodyParts(response?.body).code,
        );
      }
      this.options.onRetry?.({ operation: call.operation, attempt: attempt + 1, delayMs, reason: reason! });
      await sleep(delayMs);
    }
  }
}
