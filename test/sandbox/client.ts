import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningSandbox, SandboxOptions } from "../../sandbox";
import { DmSandbox } from "../../testing";

/** A sandbox on a free port plus a tiny DM API caller for tests of the sandbox itself. */
export interface TestSandbox {
  sandbox: RunningSandbox;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string; token?: string | null; contentType?: string },
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  admin(method: string, path: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const token = "sandbox-rules-token";

/** The package's sandbox client (pulumi-coiote/testing), with paths relative to the handler API. */
export async function testSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dm = await DmSandbox.start({ tokens: [token], ...options });
  return {
    sandbox: dm.server,
    // A path is relative to the handler API.
    call: (method, path, { body, ...request } = {}) =>
      dm.api(method, `/deviceEvents/handler${path}`, body, request),
    admin: (method, path, body) => dm.admin(method, path, body),
  };
}

export function webhookBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "webhook",
    name: "rules",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    connectionConfig: {
      uri: "http://127.0.0.1:9/hook",
      auth: { type: "basic", user: "u", password: "pw-secret" },
    },
    ...overrides,
  };
}

/**
 * A webhook receiver that answers nothing until told to: a slow receiver without a timing assumption.
 * After `releaseAll`, it answers held and later requests at once.
 */
export class HeldReceiver {
  private readonly held: ServerResponse[] = [];
  private answer: number | undefined;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HeldReceiver> {
    const holder: { receiver?: HeldReceiver } = {};
    const server = createServer((request, response) => {
      request.resume();
      holder.receiver!.arrived(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    holder.receiver = new HeldReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.receiver;
  }

  private arrived(response: ServerResponse): void {
    if (this.answer === undefined) this.held.push(response);
    else response.writeHead(this.answer).end();
  }

  /** Requests received and not answered yet. */
  get pending(): number {
    return this.held.length;
  }

  releaseAll(status: number): void {
    this.answer = status;
    for (const response of this.held.splice(0)) response.writeHead(status).end();
  }

  async stop(): Promise<void> {
    this.releaseAll(503);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
