import { beforeAll, describe, expect, it } from "vitest";
import { classify, type DmSandbox, type ProgramStack } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";

/**
 * Bad arguments are refused at preview, by the provider's check, naming the property and the reason,
 * before any call reaches DM.
 */
let sandbox: DmSandbox;
let stack: ProgramStack;
const fixture = useSandboxAndReceiver();

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

const resource = "pulumi-nodejs:dynamic/coiote:EventHandler resource 'bad'";
/** What the CLI prints: a top-level property with its real value, or a nested path leading the reason. */
const property = (name: string, value: string, reason: string) =>
  `${resource}: property ${name} value {${value}} has a problem: ${reason}`;
const nested = (reason: string) => `${resource} has a problem: ${reason}`;

const canary = "props-CANARY-9f3";
const cases: Array<[string, Args, string]> = [
  ["wrong type", { ...valid, enabled: "yes" }, property("enabled", "yes", "must be true or false")],
  ["empty name", { ...valid, name: "" }, property("name", "", "must not be empty")],
  [
    "out of range: name too long",
    { ...valid, name: "n".repeat(300) },
    property("name", "n".repeat(300), "must be at most 256 characters"),
  ],
  [
    "a domain that is not a path",
    { ...valid, domain: "/abc" },
    property("domain", "/abc", 'must be a domain path like "/acme/plant-1/"'),
  ],
  [
    "unknown enum",
    withConnection({ method: "get" }),
    nested('connectionConfig.method "get": must be "post", "put" or "patch"'),
  ],
  [
    "malformed LwM2M path",
    { ...valid, filter: { type: "telemetry", lwm2mUrls: ["/temperature"] } },
    nested(
      'filter.lwm2mUrls[0] "/temperature": must be a numeric LwM2M path like /3303/0/5700 (1 to 4 levels)',
    ),
  ],
  [
    "malformed URI",
    withConnection({ uri: "not-a-url" }),
    nested('connectionConfig.uri "not-a-url": must be an absolute http or https URL'),
  ],
  [
    "forbidden header",
    withConnection({ additionalHeaders: { Authorization: "Token x" } }),
    nested('connectionConfig.additionalHeaders.Authorization "Token x": "Authorization" is reserved'),
  ],
  [
    "oversize template",
    withConnection({ bodyTemplate: { contentType: "text", value: "x".repeat(600) } }),
    nested("connectionConfig.bodyTemplate.value"),
  ],
  [
    "invalid .properties, given as a secret: the path, never the value",
    {
      type: "kafka",
      name: "k",
      filter: valid.filter,
      connectionConfig: { type: "custom", topic: "t", value: "@secret:kafkaProperties" },
    },
    nested("connectionConfig.value: must be Kafka producer .properties text with a bootstrap.servers line"),
  ],
  ["bad adoptId", { ...valid, adoptId: "42" }, property("adoptId", "42", "must be a DM handler id")],
];

beforeAll(async () => {
  sandbox = fixture.sandbox;
  stack = await fixture.sandboxStack({
    program: "test/programs/event-handlers",
    config: {
      handlers: { value: "[]" },
      kafkaProperties: { value: `security.protocol=PLAINTEXT\nsasl.jaas.config=${canary}`, secret: true },
    },
  });
});

describe.sequential("bad input is refused at preview, with the text a user sees in the CLI", () => {
  it("a secret's problem names its path and never shows its value", async () => {
    await stack.setConfig({
      handlers: { value: "[]" },
      connections: {
        value: JSON.stringify([
          {
            resourceName: "broker",
            args: {
              bootstrapServers: ["127.0.0.1:9092"],
              securityProtocol: "SASL_SSL",
              saslMechanism: "PLAIN",
              username: "dm",
              password: "@secret:kafkaPassword",
              verify: false,
            },
          },
        ]),
      },
      kafkaPassword: { value: `${canary}\nretries=9`, secret: true },
    });
    const { code, stdout, stderr } = await stack.cli(["preview"]);
    const output = `${stdout}\n${stderr}`;
    expect(code).not.toBe(0);
    expect(output).toContain(
      "pulumi-nodejs:dynamic/coiote:KafkaConnection resource 'broker' has a problem: password: must not contain line breaks",
    );
    expect(output).not.toContain(canary);
    await stack.setConfig({ connections: { value: "[]" } });
  });

  it.each(cases)("%s", async (_label, args, expected) => {
    await stack.setConfig({ handlers: { value: JSON.stringify([{ resourceName: "bad", args }]) } });
    const before = (await sandbox.requests()).length;
    const { code, stdout, stderr } = await stack.cli(["preview"]);
    const output = `${stdout}\n${stderr}`;
    expect(code).not.toBe(0);
    expect(output, output).toContain(expected);
    expect(output).not.toContain("<nil>");
    expect(output).not.toContain(canary);
    const calls = (await sandbox.requestsSince(before)).filter((r) => classify(r) !== "other");
    expect(calls).toEqual([]);
  });
});
