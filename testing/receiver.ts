import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP endpoint for webhook deliveries. It records every request, and answers with the status
 * the test sets (per path), so a test can make a receiver fail and recover.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private statusByPath = new Map<string, number>();
  private constructor(
    private readonly server: Server,
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

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.split("?")[0] === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
