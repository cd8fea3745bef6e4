import { beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../sandbox";
import type { DmSandbox, ProgramStack, Receiver } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * Canary secrets must reach DM (and, for webhook auth, the receiver) and nothing else: not the state,
 * not the engine's output, not error messages, not the sandbox's logs.
 */
const canaries = {
  dmToken: "sec-canary-dm-token-a1b2",
  password: "sec-canary-basic-pw-c3d4",
  kafka: "bootstrap.servers=127.0.0.1:9\nsasl.jaas.config=sec-canary-jaas-e5f6",
};
let sandbox: DmSandbox;
let receiver: Receiver;
let stack: ProgramStack;
const output: string[] = [];
const fixture = useSandboxAndReceiver({ tokens: [canaries.dmToken] });

const specs = (failing: boolean) =>
  JSON.stringify([
    {
      resourceName: "hook",
      args: {
        type: "webhook",
        name: "sec-hook",
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: {
          uri: `${receiver.url}/${failing ? "fail" : "ok"}`,
          auth: { type: "basic", user: "u", password: "@secret:password" },
        },
      },
    },
    {
      resourceName: "kafka",
      args: {
        type: "kafka",
        name: "sec-kafka",
        testOnApply: false,
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { type: "custom", topic: "t", value: "@secret:kafka" },
      },
    },
  ]);

beforeAll(async () => {
  ({ sandbox, receiver } = fixture);
  receiver.respondWith("/fail", 500);
  stack = await fixture.sandboxStack({
    program: "test/programs/event-handlers",
    config: {
      password: { value: canaries.password, secret: true },
      kafka: { value: canaries.kafka, secret: true },
      handlers: { value: specs(false) },
    },
  });
});

const collect = async (run: Promise<{ stdout: string }>) => {
  try {
    output.push((await run).stdout);
  } catch (error) {
    output.push(String(error instanceof Error ? error.message : error));
  }
};

describe.sequential("secrets go to DM and nowhere else", () => {
  it("up, preview, a failing update, refresh and destroy print no secret", async () => {
    await collect(stack.up());
    await collect(stack.preview());
    await stack.setConfig({ handlers: { value: specs(true) } });
    await collect(stack.up()); // the test on apply fails: the error is printed
    expect(output.at(-1)).toMatch(/test of webhook handler "sec-hook" .* failed/);
    await collect(stack.refresh());
    const text = output.join("\n");
    for (const canary of Object.values(canaries)) expect(text).not.toContain(canary);
    expect(text).not.toContain("sec-canary");
  });

  it("the state file holds them only encrypted", () => {
    const state = stack.stateFileText();
    expect(state).toContain("sec-hook");
    expect(state).not.toContain("sec-canary");
  });

  it("the sandbox's request and delivery logs hold none", async () => {
    const requests = JSON.stringify(await sandbox.requests());
    const deliveries = await (await fetch(`${sandbox.url}/__sandbox/deliveries`)).text();
    expect(deliveries).toContain("sec-hook");
    expect(requests + deliveries).not.toContain("sec-canary");
  });

  it("DM got the real secrets, and the receiver only its own credential", async () => {
    const stored = (await sandbox.handlers()).find((h) => h.name === "sec-hook");
    expect(stored?.connectionConfig.auth).toMatchObject({ password: canaries.password });
    const received = JSON.stringify(receiver.requests.map((r) => ({ ...r.headers, body: r.body })));
    expect(received).not.toContain(canaries.dmToken);
    expect(received).not.toContain("sec-canary-jaas");
  });

  it("destroy prints no secret either", async () => {
    await stack.destroy();
    expect(await sandbox.handlers()).toEqual([]);
  });
});

describe("the sandbox's own guard", () => {
  it("binds to loopback unless told otherwise, and refuses requests without a valid token", async () => {
    const plain = await startSandbox({ port: 0, tokens: ["only-this"] });
    try {
      const address = plain.app.server.address();
      expect(typeof address === "object" && address?.address).toBe("127.0.0.1");
      for (const authorization of [undefined, "Bearer wrong", "Basic b25seS10aGlz"]) {
        const response = await fetch(`${plain.url}/api/coiotedm/v3/deviceEvents/handler`, {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status).toBe(401);
      }
    } finally {
      await plain.stop();
    }
  });
});
