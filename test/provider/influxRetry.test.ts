import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxApis } from "../../provider/influx/client";
import { type InfluxServer, startInfluxd } from "../../testing";

/**
 * The InfluxDB management calls follow the DM client's retry rules. A real influxd sits behind a small
 * proxy that answers the next few matching requests with a fault (a real server cannot be made to answer
 * 503 on demand), then forwards everything to influxd.
 */
let influx: InfluxServer;
let proxy: Server;
let proxyUrl: string;
const faults: Array<{ method: string; status: number; left: number }> = [];
const seen: string[] = [];

beforeAll(async () => {
  influx = await startInfluxd();
  const target = new URL(influx.url);
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const fault = faults.find(
      (f) => f.method === req.method && f.left > 0 && req.url?.startsWith("/api/v2/buckets"),
    );
    if (fault) {
      fault.left--;
      req.resume();
      res.writeHead(fault.status, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ code: "unavailable", message: `injected ${fault.status}` }));
      return;
    }
    const forwarded = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await influx?.stop();
});

const apis = () =>
  influxApis(
    { url: proxyUrl, token: influx.token, org: influx.org },
    { budgetMs: 10_000, baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 5 },
  );

describe("InfluxDB calls retry as DM calls do", () => {
  it("a create refused with 503 (nothing done) is sent again and succeeds once", async () => {
    faults.push({ method: "POST", status: 503, left: 2 });
    seen.length = 0;
    const made = await apis().buckets.postBuckets({ body: { orgID: influx.orgId, name: "retry-503" } });
    expect(seen.filter((r) => r.startsWith("POST /api/v2/buckets"))).toHaveLength(3);
    const found = await apis().buckets.getBuckets({ name: "retry-503" });
    expect(found.buckets?.map((b) => b.id)).toEqual([made.id]);
  });

  it("a create answered 500 (it may have happened) is not repeated", async () => {
    faults.push({ method: "POST", status: 500, left: 1 });
    seen.length = 0;
    await expect(
      apis().buckets.postBuckets({ body: { orgID: influx.orgId, name: "retry-500" } }),
    ).rejects.toMatchObject({ statusCode: 500 });
    expect(seen.filter((r) => r.startsWith("POST /api/v2/buckets"))).toHaveLength(1);
  });

  it("a read answered 500 is idempotent, so it is retried", async () => {
    faults.push({ method: "GET", status: 500, left: 2 });
    seen.length = 0;
    const found = await apis().buckets.getBuckets({ name: "retry-503" });
    expect(found.buckets).toHaveLength(1);
    expect(seen.filter((r) => r.startsWith("GET /api/v2/buckets"))).toHaveLength(3);
  });

  it("gives up within its attempts, with the server's last answer", async () => {
    faults.push({ method: "GET", status: 503, left: 10 });
    seen.length = 0;
    await expect(apis().buckets.getBuckets({ name: "retry-503" })).rejects.toMatchObject({ statusCode: 503 });
    expect(seen.filter((r) => r.startsWith("GET /api/v2/buckets"))).toHaveLength(5);
    faults.length = 0;
  });
});
