import { deepStrictEqual, ok } from "node:assert/strict";
import { maxHandlersPerDomain } from "../../provider/schemas/limits";
import {
  classify,
  type DmSandbox,
  type OperationsByName,
  type ProgramStack,
  PulumiCliError,
} from "../../testing";
import { assertConverged, type HandlerAudit, type Spec } from "./convergence";

/**
 * One soak cycle, shared by the short soak in `npm test` (soak.test.ts) and `npm run soak` (bench/soak.ts):
 * an edit of the declared handlers as a user makes it (adds, removals, renames, switches, filter and
 * description changes, moves to another domain), seeded random faults on the DM calls that edit surely
 * makes, the faulted `pulumi up` (and sometimes a faulted `pulumi refresh` before it), then the convergence
 * checks. No vitest here: the CLI runs it outside the test runner.
 */

/** Every soak handler lives below this domain, in `/soak/d<n>/`. */
export const soakDomain = "/soak/";
export const soakDomainOf = (index: number): string => `${soakDomain}d${index}/`;

/**
 * The provider config the soak runs with (plain coiote:* keys, beside coiote:url and coiote:token): a 2 s
 * client timeout, so the long latency fault times out, and a 15 s retry budget per operation.
 */
export const soakProviderConfig = { "coiote:timeoutSeconds": "2", "coiote:retryBudgetSeconds": "15" };

/** mulberry32: a tiny seeded PRNG, so a run can be repeated exactly from its seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(this.int(pool.length), 1)[0]!);
    return chosen;
  }
}

/** The faults DM can throw at a call. The client timeout is 2 s, so the long latency makes it time out. */
export const faultKinds = [
  { kind: "status", status: 429, retryAfter: 1 },
  { kind: "status", status: 500 },
  { kind: "status", status: 503 },
  { kind: "latency", latencyMs: 700 },
  { kind: "latency", latencyMs: 2_500 },
  { kind: "drop", afterCommit: true },
  { kind: "drop", afterCommit: false },
] as const;

const handlerPath = "/api/coiotedm/v3/deviceEvents/handler";
/** The DM calls a fault can target, by the provider operation that makes them. */
export const calls = {
  create: { pathPattern: `${handlerPath}/webhook$`, method: "POST" },
  update: { pathPattern: `${handlerPath}/webhook/[0-9a-f]{24}$`, method: "PUT" },
  test: { pathPattern: `${handlerPath}/test/`, method: "POST" },
  delete: { pathPattern: `${handlerPath}/[0-9a-f]{24}$`, method: "DELETE" },
  // A refresh reads its handlers with one list per domain (provider/client/domainReads.ts).
  read: { pathPattern: `${handlerPath}$`, method: "GET" },
} as const;
export type Call = keyof typeof calls;

/** Provider operations, counted the way the soak reports them. */
export interface OperationCounts {
  creates: number;
  updates: number;
  replaces: number;
  deletes: number;
  /** Handlers read back by a refresh (its preview phase reads each one too). */
  reads: number;
  /** DM test events (testOnApply is on: one after every create, update and replacement). */
  tests: number;
}
export const noOperations = (): OperationCounts => ({
  creates: 0,
  updates: 0,
  replaces: 0,
  deletes: 0,
  reads: 0,
  tests: 0,
});
export const totalOperations = (o: OperationCounts): number =>
  o.creates + o.updates + o.replaces + o.deletes + o.reads + o.tests;

/** What carries over from one cycle to the next: the declared handlers (converged) and the PRNG. */
export interface SoakState {
  random: Random;
  specs: Spec[];
  /** The next handler number, so every handler ever declared has its own name. */
  nextHandler: number;
  cycle: number;
}

export interface SoakShape {
  /** How many handlers the stack holds on average; the first cycle creates them. */
  handlers: number;
  /** How many domains they spread over (DM allows 10 handlers per domain). */
  domains: number;
  /** The webhook receiver's base URL. */
  receiverUrl: string;
}

/** One cycle's plan: what it declares, what the engine must do to each resource, and where faults go. */
export interface CyclePlan {
  specs: Spec[];
  /** The operation each changed resource needs, by resource name (unchanged ones are absent). */
  expected: OperationsByName;
  /** A readable summary of the edits, e.g. "3 add, 1 move". */
  edits: string;
  /** Whether a faulted `pulumi refresh` runs before the faulted `up`. */
  refresh: boolean;
  refreshFaults: Fault[];
  upFaults: Fault[];
  operations: OperationCounts;
  /** The handler API calls a fault-free run of this cycle makes: anything beyond them is a retry. */
  baselineCalls: number;
}

export type Fault = Record<string, unknown> & { call: Call; times: number };

type Edit = "add" | "remove" | "rename" | "toggle" | "refilter" | "describe" | "move";

function newSpec(id: number, domain: string, receiverUrl: string): Spec {
  return {
    resourceName: `h${id}`,
    args: {
      type: "webhook",
      name: `soak-h${id}`,
      domain,
      enabled: true,
      filter: { type: "telemetry", lwm2mUrls: ["/3303"] },
      connectionConfig: {
        uri: `${receiverUrl}/h${id}`,
        auth: { type: "token", token: "@secret:token" },
      },
    },
  };
}

function pickFaults(random: Random, candidates: Call[], max: number): Fault[] {
  const chosen = random.sample(candidates, 1 + random.int(Math.min(max, candidates.length)));
  return chosen.map((call) => ({ ...random.pick(faultKinds), call, times: 1 + random.int(3) }));
}

/**
 * Plans the next cycle from the converged state. DM refuses an 11th handler in a domain, and the engine
 * creates every new handler (a replacement's too) before it deletes any, so a domain only takes new
 * handlers while its old ones plus the incoming ones stay within the limit.
 */
export function planCycle(state: SoakState, shape: SoakShape): CyclePlan {
  const { random } = state;
  const old = state.specs;
  const domains = Array.from({ length: shape.domains }, (_, i) => soakDomainOf(i));
  const occupancy = new Map(domains.map((d) => [d, old.filter((s) => s.args.domain === d).length]));
  const roomyDomain = (except?: string): string | undefined => {
    const roomy = domains.filter((d) => d !== except && occupancy.get(d)! < maxHandlersPerDomain);
    if (roomy.length === 0) return undefined;
    const domain = random.pick(roomy);
    occupancy.set(domain, occupancy.get(domain)! + 1);
    return domain;
  };

  let specs = old.map((s) => ({ ...s, args: { ...s.args } }));
  const touched = new Set<string>();
  const done: Record<string, number> = {};
  const add = () => {
    const domain = roomyDomain();
    if (!domain) return false;
    specs.push(newSpec(state.nextHandler, domain, shape.receiverUrl));
    touched.add(`h${state.nextHandler++}`);
    return true;
  };
  if (old.length === 0) {
    for (let i = 0; i < shape.handlers; i++) if (add()) done.add = (done.add ?? 0) + 1;
  } else {
    const editCount = 1 + random.int(Math.max(2, Math.round(shape.handlers / 3)));
    for (let i = 0; i < editCount; i++) {
      const untouched = specs.filter((s) => !touched.has(s.resourceName));
      // Adds and removals keep the population near its size; the other edits change handlers in place.
      const population = specs.length / shape.handlers;
      const growth: Edit[] = population < 0.8 ? ["add", "add"] : population > 1.2 ? ["remove", "remove"] : [];
      const edit =
        untouched.length === 0
          ? "add"
          : random.pick<Edit>([
              ...growth,
              "add",
              "remove",
              "rename",
              "toggle",
              "refilter",
              "describe",
              "move",
            ]);
      if (edit === "add") {
        if (add()) done.add = (done.add ?? 0) + 1;
        continue;
      }
      const target = random.pick(untouched);
      const args = target.args;
      if (edit === "remove") specs = specs.filter((s) => s !== target);
      if (edit === "rename") args.name = `soak-${target.resourceName}-c${state.cycle}`;
      if (edit === "toggle") args.enabled = args.enabled === false;
      if (edit === "describe") args.description = `changed in cycle ${state.cycle}`;
      if (edit === "refilter") {
        const urls = (args.filter as { lwm2mUrls: string[] }).lwm2mUrls;
        args.filter = { type: "telemetry", lwm2mUrls: urls.length === 1 ? ["/3303", "/3304"] : ["/3303"] };
      }
      if (edit === "move") {
        const domain = roomyDomain(args.domain as string);
        if (!domain) continue;
        args.domain = domain;
      }
      touched.add(target.resourceName);
      done[edit] = (done[edit] ?? 0) + 1;
    }
  }

  const expected: OperationsByName = {};
  const before = new Map(old.map((s) => [s.resourceName, s]));
  const after = new Map(specs.map((s) => [s.resourceName, s]));
  for (const [name, spec] of after) {
    const was = before.get(name);
    if (!was) expected[name] = "create";
    else if (was.args.domain !== spec.args.domain) expected[name] = "replace";
    else if (JSON.stringify(was.args) !== JSON.stringify(spec.args)) expected[name] = "update";
  }
  for (const name of before.keys()) if (!after.has(name)) expected[name] = "delete";
  const count = (op: string) => Object.values(expected).filter((o) => o === op).length;

  const refresh = old.length > 0 && random.next() < 0.4;
  const operations: OperationCounts = {
    creates: count("create"),
    updates: count("update"),
    replaces: count("replace"),
    deletes: count("delete"),
    // `pulumi refresh` reads every handler twice: in its preview phase, then in the refresh itself.
    reads: refresh ? 2 * old.length : 0,
    tests: count("create") + count("update") + count("replace"),
  };
  // Only calls this cycle surely makes, so that every fault lands: one the step never makes tests nothing.
  const upCalls: Call[] = [];
  if (operations.creates + operations.replaces > 0) upCalls.push("create");
  if (operations.updates > 0) upCalls.push("update");
  if (operations.tests > 0) upCalls.push("test");
  if (operations.deletes + operations.replaces > 0) upCalls.push("delete");
  return {
    specs,
    expected,
    edits: Object.entries(done)
      .map(([edit, n]) => `${n} ${edit}`)
      .join(", "),
    refresh,
    refreshFaults: refresh ? pickFaults(random, ["read"], 1) : [],
    upFaults: pickFaults(random, upCalls, 3),
    operations,
    // A create, an update, a delete and a test are one call each, a replacement a create plus a delete,
    // and a refresh lists each domain twice (its reads share one list per domain and phase).
    baselineCalls:
      operations.creates +
      operations.updates +
      2 * operations.replaces +
      operations.deletes +
      operations.tests +
      (refresh ? 2 * new Set(old.map((s) => s.args.domain)).size : 0),
  };
}

/** What a faulted step did. */
export interface StepReport {
  step: "up" | "refresh";
  ok: boolean;
  injected: number;
  /** Requests the step's faults answered (a fault with `times` 3 fires up to three times). */
  fired: number;
  /** The step's faults that fired at least once. */
  faultsThatFired: number;
}

export interface CycleReport {
  cycle: number;
  edits: string;
  operations: OperationCounts;
  steps: StepReport[];
  /** Handler API calls the sandbox logged in this cycle, faulted steps and convergence together. */
  calls: number;
  /** Calls beyond a fault-free run's: retries of faulted calls, lost-create searches, repeated steps. */
  retries: number;
  /** Logged requests a fault answered; equals the faults' fired counts. */
  faultedRequests: number;
  audit: HandlerAudit;
  seconds: number;
}

export interface SoakContext {
  stack: ProgramStack;
  sandbox: DmSandbox;
  log: (line: string) => void;
}

const describeFault = ({ call, times, ...fault }: Fault) => {
  const { kind, ...details } = fault;
  const detail = Object.entries(details)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  return `${String(kind)}${detail ? `(${detail})` : ""} x${times} on ${call}`;
};

/** Injects the faults, runs the step, and checks that it failed only as a pulumi command and that the faults fired. */
async function faultedStep<T>(
  context: SoakContext,
  step: "up" | "refresh",
  faults: Fault[],
  run: () => Promise<T>,
): Promise<{ report: StepReport; result?: T }> {
  const { sandbox } = context;
  const ids: number[] = [];
  for (const { call, ...fault } of faults) {
    const added = (await sandbox.addFault({ ...fault, ...calls[call] })) as { id: number };
    ids.push(added.id);
  }
  let result: T | undefined;
  let failure: unknown;
  const started = Date.now();
  try {
    result = await run();
  } catch (error) {
    failure = error;
  }
  const listed = await sandbox.admin<Array<{ id: number; fired: number }>>("GET", "/faults");
  const firedCounts = ids.map((id) => listed.find((f) => f.id === id)?.fired ?? 0);
  await sandbox.clearFaults();
  if (failure !== undefined && !(failure instanceof PulumiCliError)) throw failure;
  const report: StepReport = {
    step,
    ok: failure === undefined,
    injected: faults.length,
    fired: firedCounts.reduce((a, b) => a + b, 0),
    faultsThatFired: firedCounts.filter((n) => n > 0).length,
  };
  const unfired = faults.filter((_, i) => firedCounts[i] === 0).map(describeFault);
  context.log(
    `  ${step}: ${faults.map(describeFault).join("; ")} -> fired ${firedCounts.join("/")}, ` +
      `the ${step} ${report.ok ? "succeeded" : "failed"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  // A step that succeeded made every call its faults target, so each must have fired. A failed step may stop
  // before some calls (the engine starts no deletes after a failure), but something must have failed it.
  if (report.ok) deepStrictEqual(unfired, [], `faults that never fired in a successful ${step}`);
  else
    ok(report.faultsThatFired > 0, `the ${step} failed though none of its faults fired:\n${String(failure)}`);
  return { report, result };
}

const changed = (operations: OperationsByName) =>
  Object.fromEntries(Object.entries(operations).filter(([, op]) => op !== "same"));

/** Runs one cycle: the planned edit under faults, then the convergence checks. Advances `state`. */
export async function runCycle(
  context: SoakContext,
  state: SoakState,
  shape: SoakShape,
): Promise<CycleReport> {
  const { stack, sandbox, log } = context;
  const started = Date.now();
  state.cycle++;
  const plan = planCycle(state, shape);
  log(
    `cycle ${state.cycle}: ${plan.edits || "no edit"} (${plan.specs.length} handlers; ` +
      `${Object.keys(plan.expected).length} resources to change)${plan.refresh ? ", refresh first" : ""}`,
  );
  await sandbox.clearFaults();
  await sandbox.clearRequests();
  await stack.setConfig({ handlers: { value: JSON.stringify(plan.specs) } });

  const steps: StepReport[] = [];
  if (plan.refresh) {
    const { report, result } = await faultedStep(context, "refresh", plan.refreshFaults, () =>
      stack.refresh(),
    );
    steps.push(report);
    // Nothing changed DM behind the stack's back, so a refresh finds the state true.
    if (result)
      deepStrictEqual(changed(result.operations), {}, "a refresh without drift must change nothing");
  }
  const { report, result: up } = await faultedStep(context, "up", plan.upFaults, () => stack.up());
  steps.push(report);
  if (up) {
    // An absorbed fault changes nothing: the engine did exactly what the edit needs, as its preview planned.
    deepStrictEqual(up.previewOperations, plan.expected, "the up's preview phase planned other operations");
    deepStrictEqual(changed(up.operations), plan.expected, "the faulted up did other operations");
  }

  const converged = await assertConverged(stack, sandbox, plan.specs, soakDomain);
  const redone = changed(converged.up.operations);
  if (up) deepStrictEqual(redone, {}, "the up after a successful faulted up must change nothing");
  else
    for (const name of Object.keys(redone))
      ok(name in plan.expected, `the convergence up changed ${name}, which this cycle's edit left alone`);

  const logged = (await sandbox.requests()).filter((r) => classify(r) !== "other");
  const faultedRequests = logged.filter((r) => (r as { fault?: string }).fault !== undefined).length;
  state.specs = plan.specs;
  const cycle: CycleReport = {
    cycle: state.cycle,
    edits: plan.edits,
    operations: plan.operations,
    steps,
    calls: logged.length,
    retries: logged.length - plan.baselineCalls,
    faultedRequests,
    audit: converged.audit,
    seconds: (Date.now() - started) / 1000,
  };
  log(
    `  converged: ${totalOperations(plan.operations)} operations, ${cycle.calls} DM calls ` +
      `(${cycle.retries} beyond a fault-free run), ${converged.audit.inDm} handlers in DM, ` +
      `0 leaked, 0 duplicated, ${cycle.seconds.toFixed(1)} s`,
  );
  return cycle;
}
