import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classify, DmSandbox } from "../support/dmSandbox";
import { type ProgramStack, programStack } from "../support/engine";

/**
 * Bad arguments are refused at preview, by the provider's check, naming the property and the reason,
 * before any call reaches DM.
 */
let sandbox: DmSandbox;
let stack: ProgramStack;
const cleanups: Array<() => Promise<void>> = [];

const valid = {
  type: "webhook",
  name: "bad-input",
  filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
  connectionConfig: { uri: "http://127.0.0.1:9/hook" },
};
type Args = Record<string, unknown>;
const withConnection = (patch: Args): Args => ({
  ...valid,
  connectionConfig: { ...valid.connectionConfig, ...patch },
});

const cases: Array<[string, Args, RegExp]> = [
  ["wrong type", { ...valid, enabled: "yes" }, /enabled: must be true or false/],
  ["empty name", { ...valid, name: "" }, /name: must not be empty/],
  [
    "out of range: name too long",
    { ...valid, name: "n".repeat(300) },
    /name: must be at most 256 characters/,
  ],
  [
    "unknown enum",
    withConnection({ method: "get" }),
    /connectionConfig\.method: must be "post", "put" or "patch"/,
  ],
  [
    "malformed LwM2M path",
    { ...valid, filter: { type: "telemetry", lwm2mUrls: ["/temperature"] } },
    /filter\.lwm2mUrls\[0\]: must be a numeric LwM2M path/,
  ],
  [
    "malformed URI",
    withConnection({ uri: "not a url" }),
    /connectionConfig\.uri: must be an absolute http or https URL/,
  ],
  [
    "forbidden header",
    withConnection({ additionalHeaders: { Authorization: "Token x" } }),
    /connectionConfig\.additionalHeaders\.Authorization: "Authorization" is reserved/,
  ],
  [
    "oversize template",
    withConnection({ bodyTemplate: { contentType: "text", value: "x".repeat(600) } }),
    /connectionConfig\.bodyTemplate\.value: must be at most 500 characters/,
  ],
  [
    "invalid .properties",
    {
      type: "kafka",
      name: "k",
      filter: valid.filter,
      connectionConfig: { type: "custom", topic: "t", value: "security.protocol=PLAINTEXT" },
    },
    /connectionConfig\.value: must be Kafka producer \.properties text with a bootstrap\.servers line/,
  ],
  ["bad adoptId", { ...valid, adoptId: "42" }, /adoptId: must be a DM handler id/],
];

beforeAll(async () => {
  sandbox = await DmSandbox.start();
  cleanups.push(() => sandbox.stop());
  stack = await programStack(
    {
      program: "test/programs/event-handlers",
      config: {
        "coiote:url": { value: sandbox.url },
        "coiote:token": { value: sandbox.token, secret: true },
        handlers: { value: "[]" },
      },
    },
    (fn) => cleanups.unshift(fn),
  );
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe.sequential("bad input is refused at preview", () => {
  it.each(cases)("%s", async (_label, args, message) => {
    await stack.setConfig({ handlers: { value: JSON.stringify([{ resourceName: "bad", args }]) } });
    const before = (await sandbox.requests()).length;
    const error = await stack.preview().then(
      () => undefined,
      (e: Error) => e,
    );
    // The engine prints check failures as "property <path> value <v> has a problem: <reason>".
    const [property, reason] = message.source.split(": ", 2) as [string, string];
    expect(error?.message).toMatch(new RegExp(`property ${property} value .* has a problem: ${reason}`));
    const calls = (await sandbox.requestsSince(before)).filter((r) => classify(r) !== "other");
    expect(calls).toEqual([]);
  });
});
