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
  private entries: LoggedRequest[] = [];
  /** Index of the oldest entry once the buffer is full. */
  private oldest = 0;
  private droppedCount = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`requestLogLimit must be at least 1, got ${limit}`);
  }

  /** Logs a request as it arrives: status 0 until it is answered. */
  add(request: Pick<LoggedRequest, "method" | "path" | "query">): LoggedRequest {
    const entry: LoggedRequest = { ...request, status: 0, time: new Date().toISOString() };
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
    } else {
      this.entries[this.oldest] = entry;
      this.oldest = (this.oldest + 1) % this.limit;
      this.droppedCount++;
    }
    return entry;
  }

  /** Oldest first. */
  list(): LoggedRequest[] {
    return [...this.entries.slice(this.oldest), ...this.entries.slice(0, this.oldest)];
  }

  /** `dropped`: entries pushed out (oldest first) since the log was last cleared. */
  stats(): { size: number; limit: number; dropped: number } {
    return { size: this.entries.length, limit: this.limit, dropped: this.droppedCount };
  }

  /** A new, empty buffer: the old one (and every entry) is left to the garbage collector at once. */
  clear(): void {
    this.entries = [];
    this.oldest = 0;
    this.droppedCount = 0;
  }
}
