import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  /** The HTTP method, e.g. `"POST"` for a webhook delivery. */
  method: string;
  /** The request target as sent: the path and, if any, the query string (`/hook?x=1`). */
  path: string;
  /** The request headers, names in lower case (Node.js's `IncomingHttpHeaders`). */
  headers: IncomingHttpHeaders;
  /** The whole body as UTF-8 text; `""` when there was none. */
  body: string;
}

/**
 * A real HTTP endpoint for webhook deliveries. It records every request, and answers with the status
 * the test sets (per path), so a test can make a receiver fail and recover.
 */
export class Receiver {
  /** Every request received since the start, oldest first; never cleared (take `length` as a mark). */
  readonly requests: ReceivedRequest[] = [];
  private statusByPath = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    /**
     * The receiver's base URL, `http://127.0.0.1:<port>` (no trailing slash): a handler's `uri` is this
     * plus a path of the test's choosing.
     */
    readonly url: string,
  ) {}

  /** On a free port by default; the demo keeps a fixed one so its stack stays unchanged between runs. */
  static async start(port = 0): Promise<Receiver> {
    const holder: { receiver?: Receiver } = {};
    const server = createServer((req, res) => {
      const receiver = holder.receiver;
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const path = req.url ?? "/";
        receiver!.requests.push({ method: req.method ?? "", path, headers: req.headers, body });
        const status = receiver!.statusByPath.get(path.split("?")[0]!) ?? 204;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    holder.receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.receiver;
  }

  /** Make requests to `path` get this status from now on. */
  respondWith(path: string, status: number): void {
    this.statusByPath.set(path, status);
  }

  /**
   * The requests received for one path, oldest first, whatever their query string.
   *
   * @param path A path without a query string, e.g. `/hook`.
   */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.split("?")[0] === path);
  }

  /** Closes every open connection and the server; resolves once it is closed. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
