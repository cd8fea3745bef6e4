import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventHandler } from "../../provider/resources/eventHandler/controller";
import { type ProgramStack } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { assertConverged, type Spec } from "../../bench/soak/convergence";

/**
 * Corners of the lost-create recovery that the fault matrix does not reach: several creates whose answers
 * are lost at once, and a recovery search that itself fails.
 */
const handlerPath = "/api/coiotedm/v3/deviceEvents/handler";
const fixture = useSandboxAndReceiver();

// The provider functions called directly, as the engine's provider process calls them, configured by the
// environment.
const savedEnv = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    COIOTE_URL: fixture.sandbox.url,
    COIOTE_TOKEN: fixture.sandbox.token,
    COIOTE_TIMEOUT_SECONDS: "2",
    COIOTE_RETRY_BUDGET_SECONDS: "3",
  });
});
afterAll(() => {
  for (const key of ["COIOTE_URL", "COIOTE_TOKEN", "COIOTE_TIMEOUT_SECONDS", "COIOTE_RETRY_BUDGET_SECONDS"])
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
});

/** A webhook handler's inputs as check() hands them to create(). */
async function checkedInputs(name: string, domain: string): Promise<Record<string, unknown>> {
  const args = {
    type: "webhook",
    name,
    domain,
    filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
    connectionConfig: { uri: `${fixture.receiver.url}/${name}` },
    secrets: {},
    testOnApply: false,
  };
  const { inputs, failures } = await eventHandler.check(undefined as never, args as never);
  expect(failures ?? []).toEqual([]);
  return inputs as unknown as Record<string, unknown>;
}

const loseNextCreateAnswer = () =>
  fixture.sandbox.addFault({
    kind: "drop",
    afterCommit: true,
    pathPattern: `${handlerPath}/webhook$`,
    method: "POST",
    times: 1,
  });

describe("twin creates whose answers are both lost", () => {
  const domain = "/corners-twins/";
  let stack: ProgramStack;

  // Same name, same configuration, same domain: nothing in DM tells the two handlers apart.
  const twin = (resourceName: string): Spec => ({
    resourceName,
    args: {
      type: "webhook",
      name: "twin",
      domain,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: { uri: `${fixture.receiver.url}/twin` },
    },
  });

  beforeAll(async () => {
    stack = await fixture.stack({
      program: "test/programs/event-handlers",
      config: {
        ...fixture.sandbox.providerConfig({
          "coiote:timeoutSeconds": "5",
          "coiote:retryBudgetSeconds": "20",
        }),
        handlers: { value: "[]" },
      },
    });
    await fixture.sandbox.reset();
  });

  it("end with one handler each and two different ids", async () => {
    const specs = [twin("twin-a"), twin("twin-b")];
    await stack.setConfig({ handlers: { value: JSON.stringify(specs) } });
    await fixture.sandbox.addFault({
      kind: "drop",
      afterCommit: true,
      pathPattern: `${handlerPath}/webhook$`,
      method: "POST",
      times: 2,
    });
    const up = await stack.up();
    expect(up.operations).toMatchObject({ "twin-a": "create", "twin-b": "create" });
    const creates = (await fixture.sandbox.requests()).filter(
      (r) => r.method === "POST" && r.path === `${handlerPath}/webhook`,
    );
    expect(creates.map((r) => r.status)).toEqual([0, 0]); // both answers really were lost

    const inDm = (await fixture.sandbox.handlers()).filter((h) => h.domain === domain);
    expect(inDm).toHaveLength(2);
    const ids = (await stack.outputs()).ids as Record<string, string>;
    expect(ids["twin-a"]).not.toBe(ids["twin-b"]);
    expect(Object.values(ids).sort()).toEqual(inDm.map((h) => h.id).sort());
    await assertConverged(stack, fixture.sandbox, specs, domain);
  });
});

describe("a lost create with a look-alike handler already in DM", () => {
  it("fails naming both candidates and adoptId instead of guessing", async () => {
    const domain = "/corners-lookalike/";
    const inputs = await checkedInputs("lookalike", domain);
    // Made outside this provider a moment ago: as recent as the create, and identical to it.
    const byHand = await fixture.sandbox.api<string>(
      "POST",
      `/deviceEvents/handler/webhook?domain=${domain}`,
      {
        type: "webhook",
        name: "lookalike",
        enabled: true,
        filter: inputs.filter,
        connectionConfig: inputs.connectionConfig,
      },
    );
    expect(byHand.status).toBe(201);
    await loseNextCreateAnswer();

    const error = (await eventHandler.create(inputs as never).catch((e: unknown) => e)) as Error;
    const inDm = (await fixture.sandbox.handlers()).filter((h) => h.domain === domain);
    expect(inDm).toHaveLength(2);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('create webhook handler "lookalike" in domain /corners-lookalike/');
    for (const handler of inDm) expect(error.message).toContain(handler.id);
    expect(error.message).toContain("adoptId");
  });
});

describe("a lost create whose search fails", () => {
  it("says the handler may exist, names it, and tells how to find and adopt it", async () => {
    const domain = "/corners-orphan/";
    const inputs = await checkedInputs("orphan", domain);
    await fixture.sandbox.addFault({
      kind: "status",
      status: 500,
      afterCommit: true,
      pathPattern: `${handlerPath}/webhook$`,
      method: "POST",
      times: 1,
    });
    await fixture.sandbox.addFault({
      kind: "status",
      status: 500,
      pathPattern: `${handlerPath}$`,
      method: "GET",
      times: 100,
    });

    const error = (await eventHandler.create(inputs as never).catch((e: unknown) => e)) as Error;
    await fixture.sandbox.clearFaults();
    const orphans = (await fixture.sandbox.handlers()).filter((h) => h.domain === domain);
    expect(orphans.map((h) => h.name)).toEqual(["orphan"]); // the create did happen
    expect(error).toBeInstanceOf(Error);
    const message = error.message;
    expect(message).toContain('create webhook handler "orphan" in domain /corners-orphan/ may have happened');
    expect(message).toMatch(/list handlers in domain \/corners-orphan\/ failed: HTTP 500/);
    expect(message).toContain(`GET ${fixture.sandbox.url}${handlerPath}?domain=%2Fcorners-orphan%2F`);
    expect(message).toContain("adoptId");

    // The advice works: adopting the orphan by its id takes it over without a second handler.
    const adopted = await eventHandler.create({ ...inputs, adoptId: orphans[0]!.id } as never);
    expect(adopted.id).toBe(orphans[0]!.id);
    expect((await fixture.sandbox.handlers()).filter((h) => h.domain === domain)).toHaveLength(1);
  });
});
