import { BoundedLog } from "./delivery/boundedLog";

/** One DM API request as tests count them: never a body or an Authorization header. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  /** 0 when the connection was dropped before an answer. */
  status: number;
  time: string;
  fault?: string;
}

/**
 * The DM API request log, bounded: past `limit` entries the oldest is dropped and counted, so a
 * long-running sandbox (or a load test) cannot grow it without end. A ring buffer, so dropping is O(1).
 */
export class RequestLog {
  private log: BoundedLog<LoggedRequest>;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`requestLogLimit must be at least 1, got ${limit}`);
    this.log = new BoundedLog(limit);
  }

  /** Logs a request as it arrives: status 0 until it is answered. */
  add(request: Pick<LoggedRequest, "method" | "path" | "query">): LoggedRequest {
    const entry: LoggedRequest = { ...request, status: 0, time: new Date().toISOString() };
    this.log.push(entry);
    return entry;
  }

  /** Oldest first. */
  list(): LoggedRequest[] {
    return this.log.list();
  }

  /** `dropped`: entries pushed out (oldest first) since the log was last cleared. */
  stats(): { size: number; limit: number; dropped: number } {
    return { size: this.log.size, limit: this.log.limit, dropped: this.log.dropped };
  }

  /**
   * A new, empty buffer: the old one (and every entry) is left to the garbage collector at once. A new
   * BoundedLog, since its own clear() keeps counting what it dropped and this log's count starts over.
   */
  clear(): void {
    this.log = new BoundedLog(this.log.limit);
  }
}
