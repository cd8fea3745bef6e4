import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DmClient } from "../../provider/client/dmClient";
import { AmbiguousWriteError, DmApiError } from "../../provider/client/errors";
import type { DmSettings } from "../../provider/config";

/**
 * The client against a real HTTP server whose answers each test scripts: the retry policy, Retry-After,
 * ambiguous writes and secret-free errors are behaviours a CI pipeline depends on.
 */
type Responder = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let script: Responder[] = [];
let seen: Array<{ method: string; url: string; authorization?: string }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      const next = script.shift();
      if (!next) {
        res.writeHead(500).end();
        return;
      }
      next(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  };
const drop: Responder = (req) => req.socket.destroy();

function client(overrides: Partial<DmSettings> = {}): DmClient {
  return new DmClient({
    baseUrl,
    credentials: { kind: "token", token: "canary-token-123" },
    timeoutMs: 2_000,
    retryBudgetMs: 10_000,
    ...overrides,
  });
}
const asIs = <T>(body: unknown) => body as T;

describe("DM client", () => {
  it("retries a 429 after the time Retry-After asks for", async () => {
    script = [json(429, { message: "slow down", code: 4290 }, { "retry-after": "1" }), json(200, [])];
    const c = client();
    const started = Date.now();
    await expect(c.list("/acme/", asIs)).resolves.toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(seen.map((s) => s.url)).toEqual([
      "/api/coiotedm/v3/deviceEvents/handler?domain=%2Facme%2F",
      "/api/coiotedm/v3/deviceEvents/handler?domain=%2Facme%2F",
    ]);
    await c.close();
  });

  it("retries 503 and connection drops for reads", async () => {
    script = [json(503, { message: "retry later", code: 5030 }), drop, json(200, { id: "x" })];
    const c = client();
    await expect(c.get("0123456789abcdef01234567", undefined, asIs)).resolves.toEqual({ id: "x" });
    expect(seen).toHaveLength(3);
    await c.close();
  });

  it("does not resend a create whose answer was lost: it reports the write as ambiguous", async () => {
    script = [drop];
    const c = client();
    await expect(c.create("webhook", { name: "a" }, undefined, '"a"')).rejects.toBeInstanceOf(
      AmbiguousWriteError,
    );
    expect(seen).toHaveLength(1);
    await c.close();
  });

  it("stops when a Retry-After would overrun the budget, saying why", async () => {
    script = [json(429, { message: "later", code: 4290 }, { "retry-after": "60" })];
    const c = client({ retryBudgetMs: 2_000 });
    await expect(c.list(undefined, asIs)).rejects.toThrow(/retry budget of 2s is spent/);
    await c.close();
  });

  it("names the operation, the status and DM's code in errors, never the token", async () => {
    script = [json(400, { message: "bad token canary-token-123 in body", code: 4000 })];
    const c = client();
    const error = await c.create("webhook", {}, "/acme/", '"alerts"').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DmApiError);
    expect((error as Error).message).toMatch(/create webhook handler "alerts" failed: HTTP 400, code 4000/);
    expect((error as Error).message).not.toContain("canary-token-123");
    expect(seen[0]!.authorization).toBe("Bearer canary-token-123");
    await c.close();
  });

  it("treats a 404 on delete as already deleted", async () => {
    script = [json(404, { message: "not found", code: 4040 })];
    const c = client();
    await expect(c.delete("0123456789abcdef01234567", '"a"')).resolves.toBeUndefined();
    await c.close();
  });

  it("logs in with a password, and logs in again after a 401", async () => {
    script = [
      json(201, { access_token: "first", token_type: "Bearer", expires_in: "300" }),
      json(401, { message: "expired", code: 4010 }),
      json(201, { access_token: "second", token_type: "Bearer", expires_in: "300" }),
      json(200, []),
    ];
    const c = client({ credentials: { kind: "password", username: "ops", password: "pw-secret" } });
    await expect(c.list(undefined, asIs)).resolves.toEqual([]);
    expect(seen.map((s) => `${s.method} ${s.url.split("?")[0]} ${s.authorization ?? ""}`)).toEqual([
      "POST /api/auth/oauth_password ",
      "GET /api/coiotedm/v3/deviceEvents/handler Bearer first",
      "POST /api/auth/oauth_password ",
      "GET /api/coiotedm/v3/deviceEvents/handler Bearer second",
    ]);
    await c.close();
  });
});
