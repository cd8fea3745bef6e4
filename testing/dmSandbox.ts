import { startSandbox, type SandboxOptions } from "../sandbox";

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface SandboxHandler {
  id: string;
  type: "webhook" | "kafka";
  name: string;
  enabled: boolean;
  domain: string;
  description?: string | null;
  connectionConfig: Record<string, unknown>;
  filter: Record<string, unknown>;
  status?: string;
}

const handlerApi = "/api/coiotedm/v3/deviceEvents/handler";

/** Classifies a DM API request the way the issues count them: writes, tests, reads. */
export function classify(request: LoggedRequest): "write" | "test" | "read" | "other" {
  if (!request.path.startsWith(handlerApi)) return "other";
  if (request.path.startsWith(`${handlerApi}/test/`)) return "test";
  return request.method === "GET" ? "read" : "write";
}

/**
 * A running sandbox plus the admin calls tests need: the request log (to count API calls per operation),
 * the unmasked handler store, out-of-band edits (drift), and event injection.
 */
export class DmSandbox {
  private constructor(
    readonly url: string,
    readonly token: string,
    private readonly stopServer: () => Promise<void>,
  ) {}

  static async start(options: Partial<SandboxOptions> = {}): Promise<DmSandbox> {
    const token = options.tokens?.[0] ?? "sandbox-test-token-0001";
    const sandbox = await startSandbox({
      port: 0,
      ...options,
      tokens: [token, ...(options.tokens?.slice(1) ?? [])],
    });
    return new DmSandbox(sandbox.url, token, () => sandbox.stop());
  }

  async stop(): Promise<void> {
    await this.stopServer();
  }

  /** Stack config that points the provider at this sandbox, plus any extra keys. */
  providerConfig(extra: Record<string, string> = {}): Record<string, { value: string; secret?: boolean }> {
    return {
      "coiote:url": { value: this.url },
      "coiote:token": { value: this.token, secret: true },
      ...Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, { value }])),
    };
  }

  private async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox admin ${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The DM API as a user's own script would call it (for objects made outside Pulumi). */
  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}/api/coiotedm/v3${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  requests(): Promise<LoggedRequest[]> {
    return this.admin<LoggedRequest[]>("GET", "/requests");
  }

  /** Requests logged since `mark` (a count taken earlier with requests().length). */
  async requestsSince(mark: number): Promise<LoggedRequest[]> {
    return (await this.requests()).slice(mark);
  }

  handlers(): Promise<SandboxHandler[]> {
    return this.admin<SandboxHandler[]>("GET", "/handlers");
  }

  editHandler(id: string, patch: Record<string, unknown>): Promise<unknown> {
    return this.admin("POST", `/handlers/${id}`, patch);
  }

  deleteHandler(id: string): Promise<unknown> {
    return this.admin("DELETE", `/handlers/${id}`);
  }

  setDomainKafkaProperties(domain: string, properties: string): Promise<unknown> {
    return this.admin("PUT", `/domains${domain.replace(/\/$/, "")}/kafka`, { properties });
  }

  injectEvents(events: unknown[], wait = true): Promise<unknown> {
    return this.admin("POST", `/events${wait ? "?wait=true" : ""}`, events);
  }

  addFault(fault: Record<string, unknown>): Promise<unknown> {
    return this.admin("POST", "/faults", fault);
  }

  clearFaults(): Promise<unknown> {
    return this.admin("DELETE", "/faults");
  }

  reset(): Promise<unknown> {
    return this.admin("POST", "/reset");
  }
}
