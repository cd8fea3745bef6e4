import { errors as undiciErrors } from "./undiciCore";

// Which failures of a call may be retried, shared by the DM client and the InfluxDB calls.

/** Statuses that mean "not processed, try later". */
export const retryableStatuses = new Set([429, 503]);
/** Statuses after which a write may or may not have happened. */
export const ambiguousStatuses = new Set([500, 502, 504]);

const connectionErrorCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

export function isConnectionError(error: unknown): error is Error & { code?: string } {
  if (error instanceof undiciErrors.UndiciError) return true;
  const code = (error as { code?: string } | undefined)?.code;
  return typeof code === "string" && connectionErrorCodes.has(code);
}

/** A refused connection never reached the server, so even a create may be retried after one. */
export function neverReachedServer(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT";
}
