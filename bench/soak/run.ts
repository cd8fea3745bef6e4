import { deepStrictEqual } from "node:assert/strict";
import { auditHandlers, inScope } from "./convergence";
import {
  type CycleReport,
  noOperations,
  type OperationCounts,
  Random,
  runCycle,
  type SoakContext,
  type SoakShape,
  soakDomain,
  type SoakState,
  totalOperations,
} from "./cycle";

/**
 * The soak loop, shared by `npm test` (soak.test.ts: a few cycles) and `npm run soak` (bench/soak.ts: until
 * an operation count): cycles of soakCycle.ts until a limit, then `pulumi destroy` and a last check that
 * nothing is left in DM. The stack must run test/programs/event-handlers against `context.sandbox`, with
 * the secret config `token` set and an empty `handlers` list.
 */

export interface SoakLimits {
  seed: number;
  /** Stop once this many provider operations have run. */
  operations?: number;
  /** Stop after this many cycles. */
  cycles?: number;
  /** Start no cycle once this many seconds have passed. */
  seconds?: number;
}

export interface SoakReport {
  seed: number;
  cycles: CycleReport[];
  operations: OperationCounts & { total: number };
  /** Faults added to the sandbox, and how many of them fired at least once. */
  faultsInjected: number;
  faultsFired: number;
  /** Requests the faults answered (a fault may fire up to three times). */
  faultedRequests: number;
  /** DM calls beyond a fault-free run's: retried calls, lost-create searches, steps repeated by the next up. */
  retries: number;
  /** Faulted steps (up or refresh) that the engine still completed, and those that failed. */
  stepsSucceeded: number;
  stepsFailed: number;
  calls: number;
  seconds: number;
}

/** A soak that stopped on a broken invariant; the message names the seed that replays it. */
export class SoakFailure extends Error {
  constructor(
    readonly seed: number,
    readonly cycle: number,
    failure: unknown,
    readonly report: SoakReport,
  ) {
    super(
      `soak failed in cycle ${cycle} (seed ${seed}; replay with --seed ${seed} or SOAK_SEED=${seed}): ` +
        (failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)),
      { cause: failure },
    );
    this.name = "SoakFailure";
  }
}

function summarize(seed: number, cycles: CycleReport[], started: number): SoakReport {
  const operations = noOperations();
  for (const cycle of cycles)
    for (const key of Object.keys(operations) as Array<keyof OperationCounts>)
      operations[key] += cycle.operations[key];
  const steps = cycles.flatMap((c) => c.steps);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    seed,
    cycles,
    operations: { ...operations, total: totalOperations(operations) },
    faultsInjected: sum(steps.map((s) => s.injected)),
    faultsFired: sum(steps.map((s) => s.faultsThatFired)),
    faultedRequests: sum(steps.map((s) => s.fired)),
    retries: sum(cycles.map((c) => c.retries)),
    stepsSucceeded: steps.filter((s) => s.ok).length,
    stepsFailed: steps.filter((s) => !s.ok).length,
    calls: sum(cycles.map((c) => c.calls)),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Runs cycles until a limit, then destroys the stack and checks that DM holds no soak handler. */
export async function runSoak(
  context: SoakContext,
  shape: SoakShape,
  limits: SoakLimits,
): Promise<SoakReport> {
  const started = Date.now();
  const state: SoakState = { random: new Random(limits.seed), specs: [], nextHandler: 0, cycle: 0 };
  const cycles: CycleReport[] = [];
  const operations = () => cycles.reduce((sum, c) => sum + totalOperations(c.operations), 0);
  const more = () =>
    (limits.operations === undefined || operations() < limits.operations) &&
    (limits.cycles === undefined || cycles.length < limits.cycles) &&
    (limits.seconds === undefined || (Date.now() - started) / 1000 < limits.seconds);
  try {
    await context.sandbox.reset();
    while (more()) cycles.push(await runCycle(context, state, shape));
    await context.stack.destroy();
    const left = (await context.sandbox.handlers()).filter((h) => inScope(h, soakDomain));
    deepStrictEqual(
      auditHandlers(left, [], [], soakDomain),
      { inDm: 0, declared: 0, leaked: 0, duplicated: 0, missing: 0 },
      "destroy must leave no soak handler in DM",
    );
  } catch (error) {
    throw new SoakFailure(limits.seed, state.cycle, error, summarize(limits.seed, cycles, started));
  }
  return summarize(limits.seed, cycles, started);
}

/** The report as the soak prints it. */
export function formatReport(report: SoakReport, replay: string, passed = true): string {
  const o = report.operations;
  return [
    `soak seed ${report.seed}: ${report.cycles.length} cycles` +
      (passed ? ", every up converged, 0 leaked, 0 duplicated" : " completed before the failure"),
    `  operations: ${o.total} (creates ${o.creates}, updates ${o.updates}, replaces ${o.replaces}, ` +
      `deletes ${o.deletes}, refresh reads ${o.reads}, tests ${o.tests})`,
    `  faults: ${report.faultsInjected} injected, ${report.faultsFired} fired ` +
      `(${report.faultedRequests} requests faulted)`,
    `  faulted steps: ${report.stepsSucceeded} absorbed, ${report.stepsFailed} failed and converged on the next up`,
    `  DM calls: ${report.calls}, retries (calls beyond a fault-free run): ${report.retries}`,
    `  wall time: ${report.seconds.toFixed(1)} s`,
    `  replay: ${replay}`,
  ].join("\n");
}
