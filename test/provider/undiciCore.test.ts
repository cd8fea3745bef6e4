import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as undici from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, errors, request } from "../../provider/client/undiciCore";

/**
 * The provider loads undici's pool, `request` and errors from their own modules (provider/client/undiciCore),
 * not from the package's entry point, to start faster. These tests hold that to undici's own API: the same
 * classes, the same requests, and a provider process that really does skip the entry point.
 */
let server: Server;
let base: string;
const seen: Array<{ method?: string; url?: string; body: string; type?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, body, type: req.headers["content-type"] });
      res.writeHead(req.url?.startsWith("/missing") ? 404 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("undici's parts, loaded on their own", () => {
  it("are the very objects undici's entry point exports", () => {
    expect(Agent).toBe(undici.Agent);
    expect(errors).toBe(undici.errors);
    expect(new errors.ConnectTimeoutError()).toBeInstanceOf(undici.errors.UndiciError);
  });

  it("send a request as undici's request() does: path, query, method, headers, body, status", async () => {
    const dispatcher = new Agent();
    try {
      const response = await request(`${base}/api/things?domain=${encodeURIComponent("/a b/")}&x=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"k":1}',
        dispatcher,
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ echoed: '{"k":1}' });
      expect(seen.at(-1)).toEqual({
        method: "POST",
        url: "/api/things?domain=%2Fa%20b%2F&x=1",
        body: '{"k":1}',
        type: "application/json",
      });
      const missing = await request(`${base}/missing`, { method: "GET", dispatcher });
      expect(missing.statusCode).toBe(404);
      await missing.body.text();
    } finally {
      await dispatcher.close();
    }
  });

  it("fail with undici's own errors (what the retry policy classifies)", async () => {
    const dispatcher = new Agent();
    try {
      // A port nothing listens on: the connection is refused.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      await expect(request(`http://127.0.0.1:${port}/`, { method: "GET", dispatcher })).rejects.toMatchObject(
        {
          code: "ECONNREFUSED",
        },
      );
    } finally {
      await dispatcher.close();
    }
  });

  it("keep the provider process from loading undici's entry point or another kind's controller", () => {
    // A fresh Node.js process as the dynamic-provider host is: the runtime, configure, one EventHandler.
    const script = `
      const runtime = require(${JSON.stringify(path.resolve("provider/runtime.ts"))});
      runtime.configure({ config: new Map() });
      void runtime.resources.EventHandler.read;
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({
        undiciEntry: loaded.some((f) => /node_modules\\/undici\\/index\\.js$/.test(f)),
        undiciFetch: loaded.some((f) => f.includes("/undici/lib/web/")),
        influx: loaded.some((f) => f.includes("@influxdata")),
        kafkaController: loaded.some((f) => f.includes("kafkaConnection/controller")),
        eventHandlerController: loaded.some((f) => f.includes("eventHandler/controller")),
      }));`;
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      encoding: "utf8",
    });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({
      undiciEntry: false,
      undiciFetch: false,
      influx: false,
      kafkaController: false,
      eventHandlerController: true,
    });
  });
});
