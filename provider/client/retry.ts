/**
 * Retry policy for DM calls: exponential backoff with full jitter, Retry-After honoured, all within one
 * time budget per operation so an unattended `pulumi up` in CI fails in bounded time with a clear reason.
 */
export interface RetryPolicy {
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  budgetMs: 120_000,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxAttempts: 8,
};

/** Full-jitter exponential backoff (AWS architecture blog): spreads retries of parallel resources. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date; returns milliseconds, or undefined if absent/invalid. */
export function parseRetryAfter(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
