import { beforeAll, describe, expect, it } from "vitest";
import { type OperationsByName, type ProgramStack, programStack, type StackRunResult } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { assertConverged, type Spec } from "../../bench/soak/convergence";

/**
 * Every DM call the provider makes, under every fault DM can throw at it, through the real engine. One
 * fault of each kind is absorbed (retried, or a lost create found again), so the faulted step succeeds and
 * does exactly what it would have done without the fault; the sandbox's fault list proves that the fault
 * fired. Then the next clean `up` must converge with nothing leaked or duplicated. The client timeout is
 * 2 s here so "latency past the timeout" stays quick.
 */
const domain = "/faults/";

type FaultKind = { label: string; fault: Record<string, unknown> };
const faultKinds: FaultKind[] = [
  { label: "429 with Retry-After", fault: { kind: "status", status: 429, retryAfter: 1 } },
  { label: "500", fault: { kind: "status", status: 500 } },
  { label: "503", fault: { kind: "status", status: 503 } },
  { label: "latency past the client timeout", fault: { kind: "latency", latencyMs: 3_000 } },
  { label: "connection dropped after the server committed", fault: { kind: "drop", afterCommit: true } },
];

const handlerPath = "/api/coiotedm/v3/deviceEvents/handler";
const operations: Array<{ operation: string; pathPattern: string; method: string }> = [
  { operation: "create", pathPattern: `${handlerPath}/webhook$`, method: "POST" },
  { operation: "test", pathPattern: `${handlerPath}/test/existing/`, method: "POST" },
  { operation: "update", pathPattern: `${handlerPath}/webhook/[0-9a-f]{24}$`, method: "PUT" },
  // A refresh reads its handlers with one list per domain (provider/client/domainReads.ts).
  { operation: "read", pathPattern: `${handlerPath}$`, method: "GET" },
  { operation: "delete", pathPattern: `${handlerPath}/[0-9a-f]{24}$`, method: "DELETE" },
];

function spec(resourceName: string, name = `f-${resourceName}`): Spec {
  return {
    resourceName,
    args: {
      type: "webhook",
      name,
      domain,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: {
        uri: `${fixture.receiver.url}/${resourceName}`,
        auth: { type: "token", token: "@secret:token" },
      },
    },
  };
}

const fixture = useSandboxAndReceiver();
const { cleanups } = fixture;

type ListedFault = { id: number; remaining: number; fired: number };

/** The sandbox's fault list (GET /__sandbox/faults): every fault since the last clear, with its count. */
async function listedFaults(): Promise<ListedFault[]> {
  const response = await fetch(`${fixture.sandbox.url}/__sandbox/faults`);
  expect(response.status).toBe(200);
  return (await response.json()) as ListedFault[];
}

describe.each(faultKinds)("under $label", ({ fault }) => {
  let stack: ProgramStack;
  let specs: Spec[];

  const setSpecs = async (next: Spec[]) => {
    specs = next;
    await stack.setConfig({ handlers: { value: JSON.stringify(next) } });
  };
  const inject = async (operation: string): Promise<ListedFault> => {
    const target = operations.find((o) => o.operation === operation)!;
    return (await fixture.sandbox.addFault({
      ...fault,
      pathPattern: target.pathPattern,
      method: target.method,
      times: 1,
    })) as ListedFault;
  };
  /**
   * Runs the faulted step, which must succeed with exactly the expected operations, checks that the
   * injected fault fired once (a pattern that matched no request would leave it unfired), then checks
   * that a clean `up` converges.
   */
  const faultedThenConverged = async (
    injected: ListedFault,
    step: () => Promise<StackRunResult>,
    expected: OperationsByName,
  ) => {
    const { operations: done } = await step();
    expect(done).toEqual(expected);
    expect(await listedFaults()).toEqual([{ ...injected, remaining: 0, fired: 1 }]);
    await fixture.sandbox.clearFaults();
    await assertConverged(stack, fixture.sandbox, specs, domain);
  };

  beforeAll(async () => {
    stack = await programStack(
      {
        program: "test/programs/event-handlers",
        config: {
          "coiote:url": { value: fixture.sandbox.url },
          "coiote:token": { value: fixture.sandbox.token, secret: true },
          "coiote:timeoutSeconds": { value: "2" },
          "coiote:retryBudgetSeconds": { value: "20" },
          token: { value: "fault-token", secret: true },
          handlers: { value: "[]" },
        },
      },
      (fn) => cleanups.unshift(fn),
    );
    await fixture.sandbox.reset();
  });

  it("create", async () => {
    await setSpecs([spec("a"), spec("b")]);
    const injected = await inject("create");
    await faultedThenConverged(injected, () => stack.up(), { a: "create", b: "create" });
  });

  it("test on apply", async () => {
    await setSpecs([...specs, spec("c")]);
    const injected = await inject("test");
    await faultedThenConverged(injected, () => stack.up(), { a: "same", b: "same", c: "create" });
  });

  it("update", async () => {
    await setSpecs(specs.map((s) => (s.resourceName === "a" ? spec("a", "f-a-renamed") : s)));
    const injected = await inject("update");
    await faultedThenConverged(injected, () => stack.up(), { a: "update", b: "same", c: "same" });
  });

  it("read (refresh)", async () => {
    const injected = await inject("read");
    // The refresh reads every handler back unchanged: nothing to record.
    await faultedThenConverged(injected, () => stack.refresh(), {});
  });

  it("delete", async () => {
    await setSpecs(specs.filter((s) => s.resourceName !== "b"));
    const injected = await inject("delete");
    await faultedThenConverged(injected, () => stack.up(), { a: "same", b: "delete", c: "same" });
  });

  it("destroy leaves nothing", async () => {
    await stack.destroy();
    expect((await fixture.sandbox.handlers()).filter((h) => h.domain === domain)).toEqual([]);
  });
});
