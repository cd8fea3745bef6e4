import { beforeAll, describe, expect, it } from "vitest";
import {
  classify,
  type DmSandbox,
  type LoggedRequest,
  type ProgramStack,
  type Receiver,
} from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { handlerApiPath } from "../../provider/schemas";

/**
 * EventHandler through the real engine against the sandbox (masking on), in the style of a Terraform
 * acceptance test: create → empty plan → empty refresh → in-place update → replace → drift → adopt →
 * destroy, counting DM API calls from the sandbox's request log at every step.
 */
const canaries = {
  dmToken: "dm-canary-token-5f1e2d",
  basicPassword: "basic-canary-pw-81c3",
  bearerToken: "bearer-canary-tok-44aa",
  customAuth: "Token custom-canary-9e0b",
  kafkaProperties: "bootstrap.servers=127.0.0.1:9\nsasl.jaas.config=canary-jaas-7d21",
};

type Spec = { resourceName: string; args: Record<string, unknown> };

let sandbox: DmSandbox;
let receiver: Receiver;
let stack: ProgramStack;
const fixture = useSandboxAndReceiver({ tokens: [canaries.dmToken], masking: true, defaultDomain: "/acc/" });

function webhook(
  resourceName: string,
  path: string,
  extra: Record<string, unknown> = {},
  auth?: Record<string, unknown>,
): Spec {
  return {
    resourceName,
    args: {
      type: "webhook",
      name: `acc-${resourceName}`,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700", "/3/0"] },
      connectionConfig: { uri: `${receiver.url}${path}`, ...(auth ? { auth } : {}) },
      ...extra,
    },
  };
}

function baseSpecs(): Spec[] {
  return [
    webhook("basic", "/basic", {}, { type: "basic", user: "dm", password: "@secret:basicPassword" }),
    webhook(
      "bearer",
      "/bearer",
      { filter: { type: "lifecycle", eventTypes: ["deviceCreated", "deviceDeleted"] } },
      {
        type: "token",
        token: "@secret:bearerToken",
      },
    ),
    webhook(
      "custom",
      "/custom",
      { description: "custom auth" },
      { type: "customAuth", value: "@secret:customAuth" },
    ),
    webhook("plain", "/plain", {
      connectionConfig: {
        uri: `${receiver.url}/plain`,
        method: "put",
        additionalHeaders: { "X-Device": "$endpointName" },
        bodyTemplate: { contentType: "json", value: '{"device":"$endpointName","v":"$value"}' },
      },
    }),
    {
      resourceName: "kafkaCustom",
      args: {
        type: "kafka",
        name: "acc-kafka-custom",
        testOnApply: false, // no broker here (test/engine/kafka.test.ts has one); only the API is exercised
        filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
        connectionConfig: { type: "custom", topic: "telemetry", value: "@secret:kafkaProperties" },
      },
    },
    {
      resourceName: "kafkaDomain",
      args: {
        type: "kafka",
        name: "acc-kafka-domain",
        testOnApply: false,
        filter: { type: "lifecycle", eventTypes: ["deviceFirstRegistration"] },
        connectionConfig: { type: "domainProperty", topic: "lifecycle", headers: { source: "$domainName" } },
      },
    },
  ];
}

async function setSpecs(specs: Spec[]): Promise<void> {
  await stack.setConfig({ handlers: { value: JSON.stringify(specs) } });
}

async function countSince(mark: number): Promise<Record<string, number>> {
  const requests: LoggedRequest[] = await sandbox.requestsSince(mark);
  const counts: Record<string, number> = { write: 0, test: 0, read: 0 };
  for (const request of requests) {
    const kind = classify(request);
    if (kind !== "other") counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
const mark = async () => (await sandbox.requests()).length;

beforeAll(async () => {
  ({ sandbox, receiver } = fixture);
  await sandbox.setDomainKafkaProperties("/acc/", "bootstrap.servers=127.0.0.1:9");
  stack = await fixture.sandboxStack({
    program: "test/programs/event-handlers",
    providerConfig: { "coiote:timeoutSeconds": "5" },
    config: {
      basicPassword: { value: canaries.basicPassword, secret: true },
      bearerToken: { value: canaries.bearerToken, secret: true },
      customAuth: { value: canaries.customAuth, secret: true },
      kafkaProperties: { value: canaries.kafkaProperties, secret: true },
      handlers: { value: "[]" },
    },
  });
});

describe.sequential("EventHandler through the real engine", () => {
  it("creates webhook handlers with each auth variant and kafka handlers, one write each plus a test", async () => {
    await setSpecs(baseSpecs());
    const before = await mark();
    const { operations } = await stack.up();
    expect(operations).toEqual({
      basic: "create",
      bearer: "create",
      custom: "create",
      plain: "create",
      kafkaCustom: "create",
      kafkaDomain: "create",
    });
    expect(await countSince(before)).toEqual({ write: 6, test: 4, read: 0 });

    const stored = await sandbox.handlers();
    expect(stored.map((h) => h.name).sort()).toEqual(
      ["acc-basic", "acc-bearer", "acc-custom", "acc-kafka-custom", "acc-kafka-domain", "acc-plain"].sort(),
    );
    expect(stored.every((h) => h.domain === "/acc/")).toBe(true);
    const basic = stored.find((h) => h.name === "acc-basic")!;
    expect(basic.connectionConfig.auth).toEqual({
      type: "basic",
      user: "dm",
      password: canaries.basicPassword,
    });

    const outputs = await stack.outputs();
    const lastTests = outputs.lastTests as Record<string, { successful: boolean } | undefined>;
    expect(lastTests.basic?.successful).toBe(true);
    expect(lastTests.kafkaCustom).toBeUndefined();
    // the test events really reached the receiver, with the configured auth
    expect(receiver.to("/basic")[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`dm:${canaries.basicPassword}`).toString("base64")}`,
    );
    expect(receiver.to("/bearer")[0]?.headers.authorization).toBe(`Bearer ${canaries.bearerToken}`);
    expect(receiver.to("/custom")[0]?.headers.authorization).toBe(canaries.customAuth);
    expect(receiver.to("/plain")[0]?.method).toBe("PUT");
  });

  it("previews no changes and makes no API write (masked secrets are not a diff)", async () => {
    const before = await mark();
    const preview = await stack.preview();
    expect(preview.changes).toBe(0);
    expect((await countSince(before)).write).toBe(0);
  });

  it("refreshes with no changes, reading the handlers' one domain once per phase", async () => {
    const before = await mark();
    const refresh = await stack.refresh();
    expect(refresh.changes).toBe(0);
    // `pulumi refresh --yes` previews the refresh first, then refreshes; the six handlers live in one
    // domain, so each phase reads them all with one list call (no GET per handler).
    expect(await countSince(before)).toEqual({ write: 0, test: 0, read: 2 });
    const reads = (await sandbox.requestsSince(before)).filter((r) => classify(r) === "read");
    expect(reads.map((r) => r.path.split("?")[0])).toEqual([handlerApiPath, handlerApiPath]);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("a second up is a no-op with no write and no test", async () => {
    const before = await mark();
    const { operations } = await stack.up();
    expect(operations).toEqual(Object.fromEntries(baseSpecs().map((s) => [s.resourceName, "same"])));
    expect(await countSince(before)).toEqual({ write: 0, test: 0, read: 0 });
  });

  it("edits in place: one PUT and one test per changed handler", async () => {
    const specs = baseSpecs();
    specs[0]!.args.name = "acc-basic-renamed";
    specs[3]!.args.enabled = false;
    await setSpecs(specs);
    expect((await stack.preview()).operations).toMatchObject({
      basic: "update",
      plain: "update",
      bearer: "same",
    });
    const before = await mark();
    const { operations } = await stack.up();
    expect(operations).toMatchObject({ basic: "update", plain: "update", bearer: "same", custom: "same" });
    expect(await countSince(before)).toEqual({ write: 2, test: 2, read: 0 });
    const stored = await sandbox.handlers();
    // In place: the handler the state holds for "basic" has the new name, and no other has the old one.
    const { ids } = (await stack.outputs()) as { ids: Record<string, string> };
    expect(stored.find((h) => h.id === ids.basic)?.name).toBe("acc-basic-renamed");
    expect(stored.map((h) => h.name)).not.toContain("acc-basic");
    expect(stored.find((h) => h.name === "acc-plain")?.enabled).toBe(false);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("rotating a secret updates in place and reaches DM", async () => {
    await stack.setConfig({ bearerToken: { value: "bearer-canary-tok-rotated", secret: true } });
    const { operations } = await stack.up();
    expect(operations.bearer).toBe("update");
    const stored = await sandbox.handlers();
    expect(stored.find((h) => h.name === "acc-bearer")?.connectionConfig.auth).toEqual({
      type: "token",
      token: "bearer-canary-tok-rotated",
    });
    await stack.setConfig({ bearerToken: { value: canaries.bearerToken, secret: true } });
    await stack.up();
  });

  it("changing the domain or the type replaces the handler", async () => {
    const specs = baseSpecs();
    specs[0]!.args.name = "acc-basic-renamed";
    specs[3]!.args.enabled = false;
    specs[2]!.args.domain = "/acc/moved/";
    await setSpecs(specs);
    const oldIds = (await stack.outputs()).ids as Record<string, string>;
    const { operations } = await stack.up();
    expect(operations.custom).toBe("replace");
    const newIds = (await stack.outputs()).ids as Record<string, string>;
    expect(newIds.custom).not.toBe(oldIds.custom);
    const stored = await sandbox.handlers();
    expect(stored.filter((h) => h.name === "acc-custom").map((h) => h.domain)).toEqual(["/acc/moved/"]);
  });

  it("refresh shows out-of-band edits and deletions, and up repairs them", async () => {
    const ids = (await stack.outputs()).ids as Record<string, string>;
    await sandbox.editHandler(ids.bearer!, { name: "edited-by-hand", enabled: false });
    await sandbox.deleteHandler(ids.kafkaDomain!);
    const refresh = await stack.refresh();
    expect(refresh.operations).toMatchObject({ bearer: "update", kafkaDomain: "delete" });
    expect((await stack.preview()).operations).toMatchObject({ bearer: "update", kafkaDomain: "create" });
    await stack.up();
    const stored = await sandbox.handlers();
    expect(stored.find((h) => h.id === ids.bearer)).toMatchObject({ name: "acc-bearer", enabled: true });
    expect(stored.filter((h) => h.name === "acc-kafka-domain")).toHaveLength(1);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("adopts a handler made outside Pulumi without creating another", async () => {
    const created = await sandbox.api<string>("POST", "/deviceEvents/handler/webhook?domain=%2Facc%2F", {
      type: "webhook",
      name: "made-by-hand",
      enabled: true,
      filter: { type: "telemetry", lwm2mUrls: ["/1"] },
      connectionConfig: { uri: `${receiver.url}/adopted` },
    });
    expect(created.status).toBe(201);
    const adoptedId = created.body;
    const specs: Spec[] = JSON.parse((await stack.stack.getConfig("handlers")).value);
    specs.push(
      webhook("adopted", "/adopted", {
        name: "adopted-by-code",
        adoptId: adoptedId,
        filter: { type: "telemetry", lwm2mUrls: ["/1"] },
      }),
    );
    await setSpecs(specs);
    const before = await mark();
    const { operations } = await stack.up();
    expect(operations.adopted).toBe("create");
    const counts = await sandbox.requestsSince(before);
    expect(
      counts.filter((r) => r.method === "POST" && /\/handler\/webhook$/.test(r.path.split("?")[0]!)),
    ).toHaveLength(0);
    expect(((await stack.outputs()).ids as Record<string, string>).adopted).toBe(adoptedId);
    const stored = await sandbox.handlers();
    expect(stored.filter((h) => h.id === adoptedId)).toMatchObject([{ name: "adopted-by-code" }]);
    expect((await stack.preview()).changes).toBe(0);
  });

  it("a failing test on apply fails the up but keeps the handler tracked, and the next up retries", async () => {
    receiver.respondWith("/failing", 500);
    const specs: Spec[] = JSON.parse((await stack.stack.getConfig("handlers")).value);
    specs.push(webhook("failing", "/failing"));
    await setSpecs(specs);
    await expect(stack.up()).rejects.toThrow(/test of webhook handler "acc-failing" .* failed/);
    const inState = (await stack.resourcesInState()).find((r) => r.urn.endsWith("::failing"));
    expect(inState?.id).toMatch(/^[0-9a-f]{24}$/);
    expect((await sandbox.handlers()).filter((h) => h.name === "acc-failing")).toHaveLength(1);
    // the recorded handler is fully usable: refresh (and so destroy) work on it before any fix
    await stack.refresh();
    receiver.respondWith("/failing", 204);
    const { operations } = await stack.up();
    expect(operations.failing).toBe("update");
    expect((await sandbox.handlers()).filter((h) => h.name === "acc-failing")).toHaveLength(1);
  });

  it("the 11th handler in a domain fails with a clear message", async () => {
    const specs: Spec[] = JSON.parse((await stack.stack.getConfig("handlers")).value);
    const inAcc = (await sandbox.handlers()).filter((h) => h.domain === "/acc/").length;
    for (let i = inAcc; i <= 10; i++) specs.push(webhook(`extra${i}`, `/extra${i}`, { testOnApply: false }));
    await setSpecs(specs);
    await expect(stack.up()).rejects.toThrow(/HTTP 400, code 4004/);
    expect((await sandbox.handlers()).filter((h) => h.domain === "/acc/")).toHaveLength(10);
    await setSpecs(specs.filter((s) => !s.resourceName.startsWith("extra")));
    await stack.up();
  });

  it("no secret appears in plain text in the exported state", async () => {
    const state = stack.stateFileText();
    expect(state).toContain("acc-basic-renamed"); // the right file, with the handlers in it
    for (const canary of Object.values(canaries)) expect(state).not.toContain(canary);
    expect(state).not.toContain("sasl.jaas.config");
    // the secrets are there, encrypted
    expect(state).toMatch(
      /"secrets":\{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":/,
    );
  });

  it("stores each handler's provider as a reference to the installed package's stub module, not as code", async () => {
    const state = JSON.parse(stack.stateFileText()) as {
      checkpoint: { latest: { resources: Array<{ type: string; inputs?: { __provider?: string } }> } };
    };
    const handlers = state.checkpoint.latest.resources.filter((r) => r.type.endsWith("EventHandler"));
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) {
      expect(handler.inputs?.__provider).toContain('require("pulumi-coiote/');
      expect(handler.inputs?.__provider).toContain("provider/stubs/eventHandler");
      expect(handler.inputs!.__provider!.length).toBeLessThan(600);
    }
  });

  it("destroy leaves nothing behind in DM", async () => {
    await stack.destroy();
    expect(await stack.resourcesInState()).toEqual([]);
    // the adopted handler belongs to the stack now, so it goes too
    expect(await sandbox.handlers()).toEqual([]);
  });
});
