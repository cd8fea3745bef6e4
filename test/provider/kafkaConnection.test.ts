import { inputsChanged } from "../support/diffs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { unknownValue } from "../../provider/canonical";
import { kafkaConnection as connection } from "../../provider/resources/kafkaConnection/controller";
import { configure } from "../../provider/runtimeConfig";
import { type RunningSandbox, startSandbox } from "../../sandbox";

/**
 * The KafkaConnection provider methods called directly: check failures, the diff (never a replace), and
 * create/update with and without DM's verification. The sandbox here has Kafka delivery turned off, so every
 * verification fails with its reason, which is what the failure paths need; the happy path against a real
 * broker is in test/engine/kafka.test.ts.
 */
type Inputs = Parameters<typeof connection.check>[1];
/** What a program may leave out; check() fills in the defaults. */
const given = (inputs: Partial<Inputs>) => inputs as Inputs;

const scram: Inputs = {
  bootstrapServers: ["127.0.0.1:9092"],
  securityProtocol: "SASL_PLAINTEXT",
  saslMechanism: "SCRAM-SHA-512",
  username: "svc",
  password: "s3cret",
  verify: false,
  verifyTopic: "verify",
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokens: ["t"], kafka: null, defaultDomain: "/fleet/" });
});
afterEach(() => configure({ get: () => undefined }));
afterAll(() => sandbox?.stop());

const useSandbox = () =>
  configure({ get: (key) => ({ "coiote:url": sandbox.url, "coiote:token": "t" })[key] });

describe("KafkaConnection check", () => {
  it("fills in verify and verifyTopic", async () => {
    const { inputs, failures } = await connection.check(
      {} as Inputs,
      given({ bootstrapServers: ["k:9092"] }),
    );
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ verify: true, verifyTopic: "coiote-verify" });
  });

  it("names the property in each failure", async () => {
    const { failures } = await connection.check(
      {} as Inputs,
      given({
        bootstrapServers: ["k:9092"],
        extraProperties: { retries: "5", "bad key": "x", "linger.ms": "5\nretries=3" },
      }),
    );
    // Nested paths lead the reason; values of extraProperties may be credentials, so none is shown.
    expect(failures).toEqual([
      {
        property: "",
        reason:
          "extraProperties.retries: DM sets retries itself (retries=0, max.block.ms=8000) and overrides any value",
      },
      { property: "", reason: 'extraProperties["bad key"]: is not a valid Kafka property name' },
      { property: "", reason: 'extraProperties["linger.ms"]: must not contain line breaks' },
    ]);
  });

  it("does not judge unknown values during preview, at any level", async () => {
    for (const unknowns of [
      { bootstrapServers: [unknownValue] },
      { bootstrapServers: unknownValue },
      { securityProtocol: unknownValue },
      { saslMechanism: unknownValue, password: unknownValue },
      { extraProperties: unknownValue },
      { extraProperties: { acks: unknownValue } },
    ]) {
      const { failures } = await connection.check(
        {} as Inputs,
        {
          ...scram,
          ...unknowns,
        } as unknown as Inputs,
      );
      expect(failures, JSON.stringify(unknowns)).toBeUndefined();
    }
  });

  it("still reports what is known to be wrong beside an unknown value", async () => {
    const { failures } = await connection.check(
      {} as Inputs,
      {
        ...scram,
        bootstrapServers: [unknownValue, "no-port"],
        username: undefined,
      } as unknown as Inputs,
    );
    expect(failures).toEqual([
      { property: "", reason: 'bootstrapServers[1] "no-port": is not host:port' },
      { property: "username", reason: "is required with a SASL security protocol" },
    ]);
  });
});

describe("KafkaConnection diff", () => {
  it("updates in place on any change (a password rotation too), and never replaces", async () => {
    const olds = { ...scram, properties: "x", lastVerification: null };
    expect(await connection.diff("id", olds, scram)).toMatchObject({ changes: false, replaces: [] });
    expect(await connection.diff("id", olds, { ...scram, password: "rotated" })).toMatchObject({
      changes: inputsChanged,
      replaces: [],
    });
    expect(
      await connection.diff("id", olds, { ...scram, bootstrapServers: [unknownValue] } as unknown as Inputs),
    ).toMatchObject({ changes: inputsChanged, replaces: [] });
  });
});

describe("KafkaConnection create and update", () => {
  it("with verify: false renders the properties without calling DM", async () => {
    // No DM configured: a call would fail with a configuration error.
    const { id, outs } = await connection.create(scram);
    expect(id).toMatch(/^kafka-connection-/);
    expect(outs).toMatchObject({ lastVerification: null, username: "svc" });
    expect(outs.properties).toContain('username="svc" password="s3cret";');
  });

  it("fails create with DM's reason when verification fails, recording nothing", async () => {
    useSandbox();
    const attempt = connection.create({ ...scram, verify: true });
    // A plain error without an id: the engine records no partial state for a local-only resource.
    await expect(attempt).rejects.toThrow(/could not produce to Kafka .*no Kafka producer configured/);
    await expect(attempt).rejects.not.toHaveProperty("id");
  });

  it("verifies a domainProperty connection in the given domain, which must have Kafka properties", async () => {
    useSandbox();
    const domainConnection = { useDomainProperties: true, domain: "/fleet/", verify: true, verifyTopic: "v" };
    await expect(connection.create(given(domainConnection))).rejects.toThrow(/no Kafka domain property/);
  });

  it("fails update the same way, so the engine keeps the old outputs", async () => {
    useSandbox();
    const { outs } = await connection.create(scram);
    await expect(
      connection.update("id", outs as never, { ...scram, password: "new", verify: true }),
    ).rejects.toThrow(/could not produce to Kafka/);
  });
});
