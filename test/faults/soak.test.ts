import { describe, expect, it } from "vitest";
import { PulumiCliError } from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { assertConverged, type Spec } from "./convergence";

/**
 * Random faults over many edit/up/refresh cycles. The seed is printed so a failure can be replayed
 * (SOAK_SEED=...); the run stops after SOAK_CYCLES cycles or SOAK_SECONDS, whichever comes first.
 */
const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
const maxCycles = Number(process.env.SOAK_CYCLES ?? 6);
const maxSeconds = Number(process.env.SOAK_SECONDS ?? 150);
const domain = "/soak/";

/** mulberry32: a tiny seeded PRNG, so a run can be repeated exactly. */
function prng(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const faults = [
  { kind: "status", status: 429, retryAfter: 1 },
  { kind: "status", status: 500 },
  { kind: "status", status: 503 },
  { kind: "latency", latencyMs: 2_500 },
  { kind: "drop", afterCommit: true },
  { kind: "drop", afterCommit: false },
] as const;
const calls = {
  create: { pathPattern: "/handler/webhook$", method: "POST" },
  update: { pathPattern: "/handler/webhook/[0-9a-f]{24}$", method: "PUT" },
  read: { pathPattern: "/handler/[0-9a-f]{24}$", method: "GET" },
  delete: { pathPattern: "/handler/[0-9a-f]{24}$", method: "DELETE" },
  test: { pathPattern: "/handler/test/", method: "POST" },
} as const;
/**
 * The DM calls each step surely makes (testOnApply is on), so that every cycle's fault lands on one of
 * them: a fault on a call the step never makes would test nothing.
 */
const callsOf = {
  add: ["create", "test"],
  remove: ["delete"],
  rename: ["update", "test"],
  toggle: ["update", "test"],
  refresh: ["read"],
} as const;

const fixture = useSandboxAndReceiver();

/** The sandbox's fault list (GET /__sandbox/faults), each fault with how many requests it has faulted. */
async function faultList(): Promise<Array<{ id: number; fired: number }>> {
  const response = await fetch(`${fixture.sandbox.url}/__sandbox/faults`);
  expect(response.status).toBe(200);
  return (await response.json()) as Array<{ id: number; fired: number }>;
}

describe("soak: random faults over many cycles", () => {
  it(`converges after every cycle (seed ${seed})`, async () => {
    console.log(`soak seed ${seed}; replay with SOAK_SEED=${seed}`);
    const stack = await fixture.sandboxStack({
      program: "test/programs/event-handlers",
      providerConfig: { "coiote:timeoutSeconds": "2", "coiote:retryBudgetSeconds": "15" },
      config: {
        token: { value: "soak-token", secret: true },
        handlers: { value: "[]" },
      },
    });
    let specs: Spec[] = [];
    let handlersInState = 0;
    let next = 0;
    const started = Date.now();
    let cycles = 0;
    while (cycles < maxCycles && (Date.now() - started) / 1000 < maxSeconds) {
      cycles++;
      // An edit a user might make: add a handler, drop one, rename one, or switch one off.
      const edit = specs.length === 0 ? "add" : pick(["add", "add", "remove", "rename", "toggle"] as const);
      if (edit === "add" || specs.length === 0) {
        const name = `s${next++}`;
        specs = [
          ...specs,
          {
            resourceName: name,
            args: {
              type: "webhook",
              name: `soak-${name}`,
              domain,
              filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
              connectionConfig: {
                uri: `${fixture.receiver.url}/${name}`,
                auth: { type: "token", token: "@secret:token" },
              },
            },
          },
        ];
      } else {
        const target = pick(specs);
        if (edit === "remove") specs = specs.filter((s) => s !== target);
        if (edit === "rename") target.args = { ...target.args, name: `${target.args.name as string}-r` };
        if (edit === "toggle") target.args = { ...target.args, enabled: target.args.enabled === false };
      }
      await stack.setConfig({ handlers: { value: JSON.stringify(specs) } });
      const fault = pick(faults);
      const times = 1 + Math.floor(random() * 3);
      // A refresh reads only what the state holds, so it needs a handler there to be faulted.
      const action = handlersInState > 0 ? pick(["up", "up", "refresh"] as const) : "up";
      const where = calls[pick(callsOf[action === "refresh" ? "refresh" : edit])];
      console.log(
        `cycle ${cycles}: ${edit}, ${JSON.stringify(fault)} x${times} on ${where.method} ${where.pathPattern}, ${action}`,
      );
      const { id } = (await fixture.sandbox.addFault({ ...fault, ...where, times })) as { id: number };
      // The step may fail, but only as a failed pulumi command; and the fault must have fired.
      const failure = await (action === "up" ? stack.up() : stack.refresh()).then(
        () => undefined,
        (error: unknown) => error,
      );
      const fired = (await faultList()).find((f) => f.id === id)?.fired ?? 0;
      console.log(
        `cycle ${cycles}: the fault fired ${fired} time(s), the ${action} ${failure ? "failed" : "succeeded"}`,
      );
      expect(fired, `the fault on ${where.method} ${where.pathPattern} never fired`).toBeGreaterThan(0);
      if (failure) expect(failure).toBeInstanceOf(PulumiCliError);
      await fixture.sandbox.clearFaults();
      await assertConverged(stack, fixture.sandbox, specs, domain);
      handlersInState = specs.length;
    }
    expect(cycles).toBeGreaterThan(0);
    await stack.destroy();
    expect((await fixture.sandbox.handlers()).filter((h) => h.domain === domain)).toEqual([]);
  });
});
