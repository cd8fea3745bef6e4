import {
  HttpError,
  RequestTimedOutError,
  type SendOptions,
  type Transport,
} from "@influxdata/influxdb-client";
import { backoffDelay, parseRetryAfter, type RetryPolicy, sleep } from "../client/retry";
import {
  ambiguousStatuses,
  isConnectionError,
  neverReachedServer,
  retryableStatuses,
} from "../client/retryable";

/** Methods that can be repeated without doing the change twice. */
const idempotentMethods = new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);

/** Whether a failed call may be sent again: the same rules as the DM client's. */
function mayRetry(error: unknown, idempotent: boolean): boolean {
  if (error instanceof HttpError) {
    if (retryableStatuses.has(error.statusCode)) return true;
    return idempotent && ambiguousStatuses.has(error.statusCode);
  }
  if (error instanceof RequestTimedOutError) return idempotent;
  if (isConnectionError(error)) return idempotent || neverReachedServer(error);
  return false;
}

/**
 * The official client's transport with the DM client's retry policy around each management call (the
 * client itself retries only writes of points): 429 and 503 always (nothing was done), other 5xx,
 * timeouts and broken connections only for idempotent methods (a create may have happened), exponential
 * backoff with full jitter or the server's Retry-After, all within one time budget.
 */
export function retryingTransport(inner: Transport, policy: RetryPolicy): Transport {
  return {
    send: (path, body, options, callbacks) => inner.send(path, body, options, callbacks),
    iterate: (path, body, options) => inner.iterate(path, body, options),
    chunkCombiner: inner.chunkCombiner,
    async request(path: string, body: unknown, options: SendOptions, responseStarted) {
      const idempotent = idempotentMethods.has(options.method.toUpperCase());
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await inner.request(path, body, options, responseStarted);
        } catch (error) {
          // The server's Retry-After (seconds or an HTTP date), else the backoff.
          const retryAfter = error instanceof HttpError ? error.headers?.["retry-after"] : undefined;
          const delayMs = parseRetryAfter(retryAfter) ?? backoffDelay(attempt, policy);
          const spent = Date.now() - started + delayMs > policy.budgetMs;
          if (!mayRetry(error, idempotent) || attempt + 1 >= policy.maxAttempts || spent) throw error;
          await sleep(delayMs);
        }
      }
    },
  };
}
