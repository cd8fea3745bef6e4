/** A DM API call that failed for good (after any retries). Its message names the operation and target. */
export class DmApiError extends Error {
  override name = "DmApiError";
  constructor(
    message: string,
    readonly operation: string,
    readonly status: number | undefined,
    readonly dmCode: number | undefined,
  ) {
    super(message);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/**
 * A write whose outcome is unknown: the request may have been committed, but the answer was lost (a
 * dropped connection, a timeout, a 5xx). The caller must look before writing again, or it may duplicate.
 */
export class AmbiguousWriteError extends DmApiError {
  override name = "AmbiguousWriteError";
}
