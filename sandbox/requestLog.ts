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

export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    return entry;
  }

  list(): LoggedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
