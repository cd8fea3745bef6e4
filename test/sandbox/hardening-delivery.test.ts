import { type ChildProcess, spawn } from "node:child_process";
import { lookup as systemLookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KafkaProducerFactory, KafkaRecord, SandboxOptions } from "../../sandbox";
import { testSandbox, type TestSandbox, webhookBody } from "./client";

/**
 * Event delivery against what an outside probe found: a webhook aimed at the sandbox itself (an
 * amplifying event loop, or a root token minted through /__sandbox/tokens), --restrict-internal decided on
 * how a host was written rather than where it resolves, slow receivers starving the others, unbounded
 * queues and logs, and secrets shown in clear. Everything goes over real HTTP.
 */

const repoRoot = path.resolve(__dirname, "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The probe's loop: telemetry re-injected into the same domain, matching the same handlers. */
const loopTemplate = '{"domain":"/acme/","endpointName":"loop","url":"/3303/0/5700","value":1}';
const loopHandler = (uri: string, name = "loop") =>
  webhookBody({
    name,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: { uri, bodyTemplate: { contentType: "json", value: loopTemplate } },
  });
const mintingHandler = (uri: string, token: string) =>
  webhookBody({
    name: "mint",
    connectionConfig: {
      uri,
      bodyTemplate: { contentType: "json", value: JSON.stringify({ domain: "/", token }) },
    },
  });

const telemetry = (domain: string, url = "/3303/0/5700") => ({ domain, endpointName: "dev", url, value: 1 });

/**
 * A webhook receiver for these tests: counts every request that arrives (also after the test looked),
 * answers `status`, or holds every request unanswered until `release` (a receiver that never answers).
 */
class TestReceiver {
  arrived = 0;
  readonly bodies: string[] = [];
  private readonly held: ServerResponse[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private hold: boolean,
    private readonly answer: { status: number; location?: string; keepBodies: boolean },
  ) {}

  static async start(
    options: { hold?: boolean; status?: number; location?: string; keepBodies?: boolean } = {},
  ): Promise<TestReceiver> {
    const holder: { receiver?: TestReceiver } = {};
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => holder.receiver!.arrive(body, response));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    holder.receiver = new TestReceiver(server, url, options.hold ?? false, {
      status: options.status ?? 204,
      location: options.location,
      keepBodies: options.keepBodies ?? true,
    });
    return holder.receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get pending(): number {
    return this.held.length;
  }

  private arrive(body: string, response: ServerResponse): void {
    this.arrived++;
    if (this.answer.keepBodies) this.bodies.push(body);
    if (this.hold) this.held.push(response);
    else this.respond(response);
  }

  private respond(response: ServerResponse): void {
    if (response.destroyed) return;
    const headers = this.answer.location ? { location: this.answer.location } : undefined;
    response.writeHead(this.answer.status, headers).end();
  }

  /** Answers what is held, and everything from now on. */
  release(): void {
    this.hold = false;
    for (const response of this.held.splice(0)) this.respond(response);
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An admin call whose status matters. */
async function adminStatus(t: TestSandbox, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.sandbox.url}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function tokenFor(t: TestSandbox, domain: string): Promise<string> {
  const { access_token: token } = await t.admin("POST", "/tokens", { domain });
  return token as string;
}

/** A token is worthless when the DM API refuses it. */
async function tokenWorks(t: TestSandbox, token: string): Promise<boolean> {
  return (await t.call("GET", "?domain=/other/", { token })).status === 200;
}

/** Names /etc/hosts maps to a loopback address (localhost at least). */
function loopbackHostNames(): string[] {
  let text = "";
  try {
    text = readFileSync("/etc/hosts", "utf8");
  } catch {
    return ["localhost"];
  }
  const names = new Set(["localhost"]);
  for (const line of text.split("\n")) {
    const [address, ...hosts] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (address && (address.startsWith("127.") || address === "::1"))
      for (const host of hosts) if (host) names.add(host);
  }
  return [...names];
}

/** Every address of this machine's interfaces, as a URL host. */
function interfaceHosts(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => (entry.family === "IPv6" ? `[${entry.address.replace(/%.*$/, "")}]` : entry.address));
}

/** A resolver the test controls: name → address, possibly changing from one call to the next. */
function playedDns(answers: Record<string, (call: number) => string>): NonNullable<SandboxOptions["lookup"]> {
  const calls = new Map<string, number>();
  return async (hostname) => {
    const answer = answers[hostname];
    if (!answer) return systemLookup(hostname, { all: true }); // localhost and friends as usual
    const call = (calls.get(hostname) ?? 0) + 1;
    calls.set(hostname, call);
    const address = answer(call);
    return [{ address, family: address.includes(":") ? 6 : 4 }];
  };
}

describe("1. a webhook can never target the sandbox's own listener", () => {
  let t: TestSandbox;
  let receiver: TestReceiver;
  let acme: string;
  beforeAll(async () => {
    t = await testSandbox({ kafka: null });
    receiver = await TestReceiver.start();
    acme = await tokenFor(t, "/acme/");
  });
  afterAll(async () => {
    await receiver.stop();
    await t.sandbox.stop();
  });
  beforeEach(() => t.admin("POST", "/reset"));

  it("refuses the probe's loop, and every spelling of the sandbox's address, on create, update and test", async () => {
    const port = t.sandbox.port;
    // The probe's own configuration first: two handlers re-injecting into /acme/.
    for (const name of ["loop-1", "loop-2"]) {
      const answer = await t.call("POST", "/webhook?domain=/acme/", {
        token: acme,
        body: loopHandler(`${t.sandbox.url}/__sandbox/events`, name),
      });
      expect(answer).toMatchObject({
        status: 400,
        body: { code: 4005, message: expect.stringContaining("this sandbox's own listener") },
      });
    }
    const hosts = [
      "127.0.0.1",
      "127.0.0.2",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "0.0.0.0",
      "[::]",
      "0177.0.0.1",
      "2130706433",
      "0x7f.1",
      ...loopbackHostNames(),
      ...interfaceHosts(),
    ];
    const { body: goodId } = await t.call("POST", "/webhook?domain=/acme/", {
      token: acme,
      body: loopHandler(`${receiver.url}/fine`, "fine"),
    });
    for (const host of hosts) {
      const uri = `http://${host}:${port}/__sandbox/events`;
      const create = await t.call("POST", "/webhook?domain=/acme/", { token: acme, body: loopHandler(uri) });
      expect({ host, create: create.body }).toMatchObject({ host, create: { code: 4005 } });
      expect(create.status).toBe(400);
      const test = await t.call("POST", "/test/webhook?domain=/acme/", {
        token: acme,
        body: loopHandler(uri),
      });
      expect({ host, test: test.body }).toMatchObject({ host, test: { code: 4005 } });
      const update = await t.call("PUT", `/webhook/${goodId}`, {
        token: acme,
        body: { connectionConfig: { uri } },
      });
      expect({ host, update: update.body }).toMatchObject({ host, update: { code: 4005 } });
    }
    // The same port on a https URI, and the sandbox's address on another port: the latter is a receiver.
    expect(
      (
        await t.call("POST", "/webhook?domain=/acme/", {
          token: acme,
          body: loopHandler(`https://localhost:${port}/`),
        })
      ).status,
    ).toBe(400);
    const list = await t.call("GET", "?domain=/acme/", { token: acme });
    expect(list.body.map((h: { name: string }) => h.name)).toEqual(["fine"]);
    expect(list.body[0].connectionConfig.uri).toBe(`${receiver.url}/fine`);
    expect(await t.admin("GET", "/deliveries")).toEqual([]);
    await t.call("DELETE", `/${goodId}`, { token: acme });
  });

  it("checks again at delivery time: a handler that came to point at the sandbox is refused and sends nothing", async () => {
    receiver.bodies.length = 0;
    const { body: loopId } = await t.call("POST", "/webhook?domain=/acme/", {
      token: acme,
      body: loopHandler(`${receiver.url}/before`, "loop"),
    });
    const { body: witnessId } = await t.call("POST", "/webhook?domain=/acme/", {
      token: acme,
      body: webhookBody({
        name: "witness",
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { uri: `${receiver.url}/witness` },
      }),
    });
    // Out of band, as a stored file or a person in DM's UI could: now it aims at /__sandbox/events.
    const patched = await adminStatus(t, "POST", `/handlers/${loopId}`, {
      connectionConfig: {
        uri: `http://localhost:${t.sandbox.port}/__sandbox/events`,
        bodyTemplate: { contentType: "json", value: loopTemplate },
      },
    });
    expect(patched.status).toBe(200);
    const test = await t.call("POST", `/test/existing/${loopId}`, { token: acme });
    expect(test).toMatchObject({
      status: 200,
      body: {
        successful: false,
        message: expect.stringMatching(/^refused http:\/\/localhost:\d+\/__sandbox\/events: .*own listener/),
      },
    });
    const injected = await t.admin("POST", "/events?wait=true", telemetry("/acme/"));
    expect(injected.results.map((r: { handlerName: string; ok: boolean }) => [r.handlerName, r.ok])).toEqual(
      expect.arrayContaining([
        ["loop", false],
        ["witness", true],
      ]),
    );
    await sleep(500); // a loop, had anything been sent, would have re-injected by now
    expect(receiver.bodies).toHaveLength(1); // the witness got the one injected event, nothing re-injected
    const log = await t.admin("GET", "/deliveries");
    expect(log).toHaveLength(3);
    expect((await t.admin("GET", "/deliveries/stats")).refused).toBe(2);
    await t.call("DELETE", `/${loopId}`, { token: acme });
    await t.call("DELETE", `/${witnessId}`, { token: acme });
  });

  it("decides on the address a name resolves to when delivering, up to the connection itself (DNS rebinding)", async () => {
    const dns = playedDns({
      // Public when the handler is written, the sandbox's loopback address when it delivers.
      "rebind.test": (call) => (call === 1 ? "203.0.113.7" : "127.0.0.1"),
      // Public for the write and for the check before sending; loopback only for the connection.
      "flip.test": (call) => (call <= 2 ? "203.0.113.7" : "127.0.0.1"),
    });
    const s = await testSandbox({ lookup: dns, kafka: null });
    try {
      const port = s.sandbox.port;
      for (const [name, token] of [
        ["rebind.test", "minted-by-rebind"],
        ["flip.test", "minted-by-flip"],
      ] as const) {
        const created = await s.call("POST", "/webhook", {
          body: mintingHandler(`http://${name}:${port}/__sandbox/tokens`, token),
        });
        expect(created.status).toBe(201);
        const test = await s.call("POST", `/test/existing/${created.body}`);
        expect(test.body).toMatchObject({
          successful: false,
          message: expect.stringContaining(
            `${name} resolves to 127.0.0.1; 127.0.0.1:${port} is this sandbox's own listener`,
          ),
        });
        expect(await tokenWorks(s, token)).toBe(false);
      }
      expect((await s.admin("GET", "/deliveries/stats")).refused).toBe(2);
    } finally {
      await s.sandbox.stop();
    }
  });

  it.each(["delete", "reset"] as const)(
    "%s: a handler's waiting and in-flight deliveries are dropped, and nothing more is sent",
    async (how) => {
      const stuck = await TestReceiver.start({ hold: true });
      try {
        const { body: id } = await t.call("POST", "/webhook?domain=/acme/", {
          token: acme,
          body: loopHandler(`${stuck.url}/${how}`, how),
        });
        await t.admin(
          "POST",
          "/events",
          Array.from({ length: 40 }, () => telemetry("/acme/")),
        );
        await expect.poll(() => stuck.pending, { timeout: 10_000 }).toBeGreaterThan(0);
        await sleep(200); // let every slot it may take fill up
        const inFlight = stuck.arrived;
        const before = (await t.admin("GET", "/deliveries/stats")) as Partial<Stats>;
        if (how === "delete") expect((await t.call("DELETE", `/${id}`, { token: acme })).status).toBe(204);
        else await t.admin("POST", "/reset");
        stuck.release();
        await sleep(500);
        expect(stuck.arrived).toBe(inFlight); // nothing after the delete or reset
        expect(await t.admin("GET", "/deliveries")).toEqual([]); // cancelled deliveries are nobody's
        expect(before).toMatchObject({ queued: 40 - inFlight, inFlight });
        expect(await t.admin("GET", "/deliveries/stats")).toMatchObject({
          queued: 0,
          inFlight: 0,
          cancelled: before.cancelled! + 40,
        });
      } finally {
        await stuck.stop();
      }
    },
  );
});

describe("1c. the delivery queue and the delivery log are bounded", () => {
  it("drops the oldest waiting deliveries and log entries, and counts them in GET /__sandbox/deliveries/stats", async () => {
    const t = await testSandbox({ deliveryQueueLimit: 20, deliveryLogLimit: 5, kafka: null });
    const stuck = await TestReceiver.start({ hold: true });
    const fast = await TestReceiver.start();
    try {
      const { body: stuckId } = await t.call("POST", "/webhook", {
        body: webhookBody({ name: "stuck", connectionConfig: { uri: `${stuck.url}/s` } }),
      });
      await t.admin(
        "POST",
        "/events",
        Array.from({ length: 100 }, () => telemetry("/sandbox/")),
      );
      await expect.poll(() => stuck.pending, { timeout: 10_000 }).toBe(4); // its per-handler cap
      expect(await t.admin("GET", "/deliveries/stats")).toMatchObject({
        queued: 20,
        queueLimit: 20,
        inFlight: 4,
        dropped: 76,
      });
      // Dropped by the sandbox, not failed by the receiver: DM's failure count is untouched.
      const stored = (await t.admin("GET", "/handlers")) as Array<{
        id: string;
        consecutiveFailures: number;
      }>;
      expect(stored.find((h) => h.id === stuckId)!.consecutiveFailures).toBe(0);
      await t.call("DELETE", `/${stuckId}`);

      await t.call("POST", "/webhook", {
        body: webhookBody({ name: "fast", connectionConfig: { uri: `${fast.url}/f` } }),
      });
      for (let i = 0; i < 12; i++)
        await t.admin("POST", "/events?wait=true", { ...telemetry("/sandbox/"), value: i });
      const log = (await t.admin("GET", "/deliveries")) as Array<{ event: { value: string } }>;
      expect(log.map((r) => r.event.value)).toEqual(["7", "8", "9", "10", "11"]); // the newest five
      expect(await t.admin("GET", "/deliveries/stats")).toMatchObject({
        logged: 5,
        logLimit: 5,
        logDropped: 7,
      });
    } finally {
      await stuck.stop();
      await fast.stop();
      await t.sandbox.stop();
    }
  });
});

describe("2. the admin API is not reachable through any delivery", () => {
  let t: TestSandbox;
  let acme: string;
  beforeAll(async () => {
    t = await testSandbox({ kafka: null });
    acme = await tokenFor(t, "/acme/");
  });
  afterAll(() => t.sandbox.stop());
  beforeEach(() => t.admin("POST", "/reset"));

  it("a /acme/ token cannot mint a root token by testing a webhook aimed at /__sandbox/tokens", async () => {
    for (const host of ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"]) {
      const answer = await t.call("POST", "/test/webhook?domain=/acme/", {
        token: acme,
        body: mintingHandler(`http://${host}:${t.sandbox.port}/__sandbox/tokens`, "x"),
      });
      expect(answer).toMatchObject({ status: 400, body: { code: 4005 } });
    }
    expect(await tokenWorks(t, "x")).toBe(false);
    expect(await t.admin("GET", "/deliveries")).toEqual([]);
  });

  it("refuses requests that carry DM's delivery User-Agent, so another sandbox's deliveries cannot use it", async () => {
    const other = await testSandbox({ kafka: null });
    try {
      // From the other sandbox's point of view this is an ordinary receiver on another port.
      const minted = await other.call("POST", "/test/webhook", {
        body: mintingHandler(`${t.sandbox.url}/__sandbox/tokens`, "from-other"),
      });
      expect(minted.body).toMatchObject({ successful: false, message: "the receiver answered HTTP 403" });
      expect(await tokenWorks(t, "from-other")).toBe(false);
      // Events cross neither: a loop between two sandboxes is cut the same way.
      await t.call("POST", "/webhook?domain=/acme/", {
        token: acme,
        body: loopHandler(`${other.sandbox.url}/__sandbox/events`),
      });
      await other.call("POST", "/webhook?domain=/acme/", {
        body: loopHandler(`${t.sandbox.url}/__sandbox/events`),
      });
      const first = await other.admin("POST", "/events?wait=true", telemetry("/acme/"));
      expect(first.results).toMatchObject([{ ok: false, status: 403 }]);
      await sleep(300);
      expect(await t.admin("GET", "/deliveries")).toEqual([]);
      const direct = await fetch(`${t.sandbox.url}/__sandbox/deliveries`, {
        headers: { "user-agent": "IoT-DM" },
      });
      expect(direct.status).toBe(403);
      expect(await direct.json()).toMatchObject({ code: 4030 });
    } finally {
      await other.sandbox.stop();
      await t.admin("POST", "/reset");
    }
  });

  it("does not follow a receiver's redirect to the admin API", async () => {
    const redirecting = await TestReceiver.start({
      status: 307,
      location: `${t.sandbox.url}/__sandbox/tokens`,
    });
    try {
      const answer = await t.call("POST", "/test/webhook?domain=/acme/", {
        token: acme,
        body: mintingHandler(`${redirecting.url}/go`, "redirected"),
      });
      expect(answer.body).toMatchObject({ successful: false, message: "the receiver answered HTTP 307" });
      expect(await tokenWorks(t, "redirected")).toBe(false);
    } finally {
      await redirecting.stop();
    }
  });
});

describe("3. --restrict-internal decides on resolved addresses, at delivery time too", () => {
  const kafkaSent: KafkaRecord[] = [];
  const recordingKafka: KafkaProducerFactory = {
    async send(_properties, record) {
      kafkaSent.push(record);
    },
  };
  const dns = playedDns({
    "intranet.test": () => "10.20.30.40",
    "public.test": () => "203.0.113.9",
    "later-internal.test": (call) => (call === 1 ? "203.0.113.9" : "127.0.0.1"),
    "kafka-later-internal.test": (call) => (call === 1 ? "203.0.113.9" : "10.0.0.9"),
  });
  let t: TestSandbox;
  let receiver: TestReceiver;
  beforeAll(async () => {
    t = await testSandbox({ restrictInternal: true, lookup: dns, kafka: recordingKafka });
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.sandbox.stop();
  });
  beforeEach(() => t.admin("POST", "/reset"));

  const kafkaBody = (value: string) => ({
    type: "kafka",
    name: "k",
    enabled: true,
    filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
    connectionConfig: { type: "custom", topic: "t", value },
  });

  it("refuses webhook URIs whose host is internal however it is written", async () => {
    const port = receiver.port;
    const hosts = [
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "0177.0.0.1",
      "2130706433",
      "[::ffff:10.0.0.1]",
      "[fd00::1]",
      "[fe80::1]",
      "100.64.0.1",
      "intranet.test",
      ...loopbackHostNames(),
    ];
    for (const host of hosts) {
      const answer = await t.call("POST", "/webhook", {
        body: webhookBody({ connectionConfig: { uri: `http://${host}:${port}/` } }),
      });
      expect({ host, ...answer }).toMatchObject({ host, status: 400, body: { code: 4005 } });
    }
    for (const host of ["203.0.113.7", "public.test"]) {
      const answer = await t.call("POST", "/webhook", {
        body: webhookBody({ connectionConfig: { uri: `http://${host}/` } }),
      });
      expect({ host, status: answer.status }).toEqual({ host, status: 201 });
    }
    await t.admin("POST", "/reset");
  });

  it("refuses Kafka bootstrap servers that are internal however they are written", async () => {
    for (const servers of [
      "PLAINTEXT://127.0.0.1:9092",
      "[::ffff:127.0.0.1]:9092",
      "0177.0.0.1:9092",
      "2130706433:9092",
      "SASL_SSL://localhost:9093",
      "203.0.113.8:9092,127.0.0.1:9092",
      "intranet.test:9092",
      "[::1]:9092",
    ]) {
      const answer = await t.call("POST", "/kafka", { body: kafkaBody(`bootstrap.servers=${servers}`) });
      expect({ servers, ...answer }).toMatchObject({ servers, status: 400, body: { code: 4006 } });
    }
    expect(
      (await t.call("POST", "/kafka", { body: kafkaBody("bootstrap.servers=203.0.113.8:9092") })).status,
    ).toBe(201);
    await t.admin("POST", "/reset");
  });

  it("refuses at delivery time a name that has come to resolve inside, and domain properties pointing inside", async () => {
    kafkaSent.length = 0;
    await t.call("POST", "/webhook", {
      body: webhookBody({
        name: "web",
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { uri: `http://later-internal.test:${receiver.port}/x` },
      }),
    });
    await t.call("POST", "/kafka", {
      body: { ...kafkaBody("bootstrap.servers=kafka-later-internal.test:9092"), name: "custom" },
    });
    await t.admin("PUT", "/domains/sandbox/kafka", {
      properties: "bootstrap.servers=PLAINTEXT://127.0.0.1:9092",
    });
    await t.call("POST", "/kafka", {
      body: { ...kafkaBody(""), name: "domain", connectionConfig: { type: "domainProperty", topic: "t" } },
    });
    const { results } = await t.admin("POST", "/events?wait=true", telemetry("/sandbox/"));
    const byName = Object.fromEntries(
      results.map((r: { handlerName: string; error: string }) => [r.handlerName, r.error]),
    );
    expect(byName).toEqual({
      web: expect.stringMatching(
        /^refused .*later-internal\.test resolves to 127\.0\.0\.1; 127\.0\.0\.1 is a loopback address/,
      ),
      custom: expect.stringMatching(/^refused kafka topic t: .*10\.0\.0\.9 is a private address/),
      domain: expect.stringMatching(/^refused kafka topic t: 127\.0\.0\.1 is a loopback address/),
    });
    expect(receiver.arrived).toBe(0);
    expect(kafkaSent).toEqual([]);
    await t.admin("POST", "/reset");
  });
});

describe("4. slow receivers cannot starve another handler", () => {
  it("with 9 receivers that never answer holding every slot they can, a healthy handler's 8 deliveries finish promptly", async () => {
    const deliveryTimeoutMs = 10_000;
    const t = await testSandbox({ deliveryTimeoutMs, kafka: null });
    const stuck = await Promise.all(Array.from({ length: 9 }, () => TestReceiver.start({ hold: true })));
    const healthy = await TestReceiver.start();
    try {
      for (const [i, receiver] of stuck.entries()) {
        await t.call("POST", "/webhook", {
          body: webhookBody({
            name: `stuck-${i}`,
            filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
            connectionConfig: { uri: `${receiver.url}/s` },
          }),
        });
      }
      await t.call("POST", "/webhook", {
        body: webhookBody({
          name: "healthy",
          filter: { type: "telemetry", lwm2mUrls: ["/3304"] },
          connectionConfig: { uri: `${healthy.url}/h` },
        }),
      });
      // 8 events for each stuck handler: 72 deliveries, more than all the slots there are.
      await t.admin(
        "POST",
        "/events",
        Array.from({ length: 8 }, () => telemetry("/sandbox/", "/3303/0/5700")),
      );
      const held = () => stuck.reduce((n, r) => n + r.pending, 0);
      await expect.poll(held, { timeout: 5_000 }).toBeGreaterThanOrEqual(16); // every shared slot taken
      const started = Date.now();
      const answer = await t.admin(
        "POST",
        "/events?wait=true",
        Array.from({ length: 8 }, () => telemetry("/sandbox/", "/3304/0/5700")),
      );
      const elapsed = Date.now() - started;
      console.log(
        `healthy handler: 8 deliveries in ${elapsed} ms with ${held()} deliveries held by 9 stuck receivers`,
      );
      expect(answer.results).toHaveLength(8);
      expect(answer.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
      // Before, they waited for the stuck deliveries to time out (one timeout with 4 stuck, two with 9).
      expect(elapsed).toBeLessThan(deliveryTimeoutMs / 4);
      expect(healthy.arrived).toBe(8);
    } finally {
      await Promise.all([...stuck, healthy].map((r) => r.stop()));
      await t.sandbox.stop();
    }
  });
});

describe("5. secrets are masked wherever deliveries show them", () => {
  const kafkaSent: Array<Record<string, string>> = [];
  const recordingKafka: KafkaProducerFactory = {
    async send(properties) {
      kafkaSent.push(properties);
    },
  };
  let t: TestSandbox;
  let receiver: TestReceiver;
  beforeAll(async () => {
    t = await testSandbox({ kafka: recordingKafka });
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.sandbox.stop();
  });
  beforeEach(() => t.admin("POST", "/reset"));

  it("a password in the webhook URI: masked in GET, PUT, the delivery log and test messages; kept for delivery", async () => {
    const uri = `http://alice:PW-in-uri@127.0.0.1:${receiver.port}/in`;
    const masked = `http://alice:********@127.0.0.1:${receiver.port}/in`;
    const { body: id } = await t.call("POST", "/webhook", {
      body: webhookBody({
        connectionConfig: {
          uri,
          additionalHeaders: { "X-Api-Key": "header-secret", "X-Device": "$endpointName" },
        },
      }),
    });
    const read = await t.call("GET", `/${id}`);
    expect(read.body.connectionConfig.uri).toBe(masked);
    expect((await t.call("GET", "")).body[0].connectionConfig.uri).toBe(masked);
    // Writing back what was read keeps the password; the answer is masked too.
    const put = await t.call("PUT", `/webhook/${id}`, {
      body: { name: "renamed", connectionConfig: read.body.connectionConfig },
    });
    expect(put).toMatchObject({ status: 200, body: { connectionConfig: { uri: masked } } });
    const stored = (await t.admin("GET", "/handlers")) as Array<{ connectionConfig: { uri: string } }>;
    expect(stored[0]!.connectionConfig.uri).toBe(uri);
    // A masked password may not be carried to another host.
    const moved = await t.call("PUT", `/webhook/${id}`, {
      body: {
        connectionConfig: { ...read.body.connectionConfig, uri: "http://alice:********@203.0.113.7/in" },
      },
    });
    expect(moved).toMatchObject({ status: 400, body: { code: 4000 } });

    expect((await t.call("POST", `/test/existing/${id}`)).body).toMatchObject({ successful: true });
    expect(receiver.arrived).toBe(1); // delivered to the stored URI
    const failing = await t.call("POST", "/test/webhook", {
      body: webhookBody({ connectionConfig: { uri: "http://bob:PW-unreachable@127.0.0.1:9/x" } }),
    });
    expect(failing.body.message).toContain("could not reach http://bob:********@127.0.0.1:9/x");
    const log = await t.admin("GET", "/deliveries");
    expect(log[0]).toMatchObject({
      target: masked,
      headers: { "X-Api-Key": "[redacted]", "X-Device": expect.stringMatching(/^handler-test-device-/) },
    });
    const everything = JSON.stringify([read.body, put.body, failing.body, log]);
    for (const secret of ["PW-in-uri", "PW-unreachable"]) expect(everything).not.toContain(secret);
    // Header values are no write-only secret in DM's API (a GET shows them), but the log masks them by name.
    expect(JSON.stringify(log)).not.toContain("header-secret");
    await t.admin("POST", "/reset");
  });

  it("Kafka properties whose names say secret are masked in the delivery log, and sent as they are", async () => {
    kafkaSent.length = 0;
    const value = [
      "bootstrap.servers=203.0.113.8:9092",
      "basic.auth.user.info=alice:registry-pw",
      "ssl.keystore.key=-----BEGIN PRIVATE KEY-----KEYDATA",
      "ssl.key.password=keypw",
      "ssl.truststore.password=trustpw",
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="jaaspw";',
      "sasl.oauthbearer.token.endpoint.url=https://idp.example/token",
      "my.client.secret=clientsecret",
      "acks=all",
    ].join("\n");
    const { body: id } = await t.call("POST", "/kafka", {
      body: {
        type: "kafka",
        name: "k",
        enabled: true,
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { type: "custom", topic: "t", value, headers: { "X-Auth-Token": "record-token" } },
      },
    });
    expect((await t.call("POST", `/test/existing/${id}`)).body).toMatchObject({ successful: true });
    await t.admin("POST", "/events?wait=true", telemetry("/sandbox/"));
    const log = await t.admin("GET", "/deliveries");
    expect(log).toHaveLength(2);
    for (const record of log) {
      expect(record.producerProperties).toMatchObject({
        "bootstrap.servers": "203.0.113.8:9092",
        acks: "all",
        "basic.auth.user.info": "[redacted]",
        "ssl.keystore.key": "[redacted]",
        "ssl.key.password": "[redacted]",
        "ssl.truststore.password": "[redacted]",
        "sasl.jaas.config": "[redacted]",
        "sasl.oauthbearer.token.endpoint.url": "[redacted]",
        "my.client.secret": "[redacted]",
      });
      expect(record.headers).toEqual({ "X-Auth-Token": "[redacted]" });
    }
    const shown = JSON.stringify(log);
    for (const secret of [
      "registry-pw",
      "KEYDATA",
      "keypw",
      "trustpw",
      "jaaspw",
      "clientsecret",
      "record-token",
    ])
      expect(shown).not.toContain(secret);
    // The producer itself got the real values.
    expect(kafkaSent[0]).toMatchObject({
      "basic.auth.user.info": "alice:registry-pw",
      "ssl.key.password": "keypw",
    });
  });
});

/** GET /__sandbox/deliveries/stats. */
interface Stats {
  queued: number;
  inFlight: number;
  queueLimit: number;
  dropped: number;
  cancelled: number;
  logged: number;
  logLimit: number;
  logDropped: number;
  refused: number;
  memory: { rss: number; heapUsed: number };
}

describe("storm: memory stays flat", () => {
  const stormSeconds = 60;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it(`under ${stormSeconds} s of events injected as fast as possible into 20 handlers, 8 of them stuck, RSS stays bounded`, async () => {
    // The CLI in a child process, from the sources, so its RSS is its own.
    child = spawn(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "sandbox/cli.ts",
        "--port",
        "0",
        "--token",
        "storm",
        "--no-kafka",
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" },
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once("line", resolve);
      child!.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
    });
    const url = /listening on (http:\/\/\S+)$/.exec(line)![1]!;
    const dm = (method: string, path: string, body?: unknown) =>
      fetch(`${url}/api/coiotedm/v3/deviceEvents/handler${path}`, {
        method,
        headers: { authorization: "Bearer storm", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const stats = async () => (await (await fetch(`${url}/__sandbox/deliveries/stats`)).json()) as Stats;

    // The probe's loop first: refused, so the storm below is the worst a configuration can do.
    for (const name of ["loop-1", "loop-2"]) {
      const answer = await dm("POST", "/webhook?domain=/acme/", loopHandler(`${url}/__sandbox/events`, name));
      expect(answer.status).toBe(400);
    }
    const stuck = await TestReceiver.start({ hold: true, keepBodies: false });
    const fast = await TestReceiver.start({ keepBodies: false });
    try {
      for (const domain of ["/storm-a/", "/storm-b/"]) {
        for (let i = 0; i < 10; i++) {
          const target = i < 4 ? stuck : fast;
          const answer = await dm(
            "POST",
            `/webhook?domain=${domain}`,
            webhookBody({
              name: `h${i}`,
              allowFailures: true,
              filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
              connectionConfig: { uri: `${target.url}/${i}` },
            }),
          );
          expect(answer.status).toBe(201);
        }
      }
      const batch = JSON.stringify(
        Array.from({ length: 250 }, (_, i) => ({
          ...telemetry(i % 2 ? "/storm-a/" : "/storm-b/"),
          value: i,
        })),
      );
      const baseline = (await stats()).memory.rss;
      const samples: Array<{ second: number; rss: number; heapUsed: number; queued: number }> = [];
      const started = Date.now();
      const deadline = started + stormSeconds * 1000;
      let requests = 0;
      const inject = async () => {
        while (Date.now() < deadline) {
          const response = await fetch(`${url}/__sandbox/events`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: batch,
          });
          await response.arrayBuffer();
          requests++;
        }
      };
      const sample = async () => {
        while (Date.now() < deadline) {
          await sleep(2_000);
          const s = await stats();
          samples.push({
            second: Math.round((Date.now() - started) / 1000),
            rss: s.memory.rss,
            heapUsed: s.memory.heapUsed,
            queued: s.queued,
          });
        }
      };
      await Promise.all([inject(), inject(), inject(), sample()]);
      const final = await stats();
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      const maxRss = Math.max(...samples.map((s) => s.rss));
      const third = Math.floor(samples.length / 3);
      const middleMax = Math.max(...samples.slice(third, 2 * third).map((s) => s.rss));
      const lastMax = Math.max(...samples.slice(2 * third).map((s) => s.rss));
      console.log(
        `storm: ${requests} requests, ${requests * 250} events, ${fast.arrived} fast deliveries, ` +
          `${final.dropped} dropped from the queue, ${final.logDropped} from the log; RSS baseline ${mb(baseline)} MB, ` +
          `max ${mb(maxRss)} MB (middle third max ${mb(middleMax)} MB, last third max ${mb(lastMax)} MB); ` +
          `samples (s:RSS/heap MB) ${samples.map((s) => `${s.second}:${mb(s.rss)}/${mb(s.heapUsed)}`).join(" ")}`,
      );
      expect(final.dropped).toBeGreaterThan(0); // the storm really overflowed the queue
      expect(final.queued).toBeLessThanOrEqual(final.queueLimit);
      expect(final.logged).toBeLessThanOrEqual(final.logLimit);
      // What may grow: the bounded data (10 000 waiting deliveries and 10 000 log entries, about 1 KB each:
      // some 25 MB) and V8's heap headroom under this allocation rate (heapUsed swings between about 60 and
      // 220 MB as it collects), so 384 MB above the idle sandbox; before the bounds it passed 900 MB within
      // 10 s and 4 GB within 60 s. Flat, too: a leak of even 3 MB/s would add more than 64 MB between the
      // middle and the last third of the storm.
      expect(maxRss - baseline).toBeLessThan(384 * 2 ** 20);
      expect(lastMax - middleMax).toBeLessThan(64 * 2 ** 20);
    } finally {
      await stuck.stop();
      await fast.stop();
    }
  }, 180_000);
});
