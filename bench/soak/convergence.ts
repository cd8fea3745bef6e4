import { deepStrictEqual } from "node:assert/strict";
import { type DmSandbox, type ProgramStack, type SandboxHandler, type UpResult } from "../../testing";

// No vitest here: the soak CLI (npm run soak) runs these checks outside the test runner. node:assert's
// errors show their diff under vitest just as well.

export type Spec = { resourceName: string; args: Record<string, unknown> };

/** How DM's handlers compare with the declared ones, counted per (domain, name). */
export interface HandlerAudit {
  /** Handlers in scope in DM. */
  inDm: number;
  /** Handlers declared by the specs. */
  declared: number;
  /** Handlers in DM that no resource in the state holds: nobody will ever delete them. */
  leaked: number;
  /** Handlers in DM beyond the number declared with the same domain and name (at least one). */
  duplicated: number;
  /** Declared handlers DM does not have. */
  missing: number;
}

/** The domain a spec's handler lives in ("/acme/", with the trailing slash), or `fallback` when it names none. */
const domainOf = (spec: Spec, fallback: string) => (spec.args.domain as string | undefined) ?? fallback;

/** A handler is in scope when it lives in `domain` or below it. */
export const inScope = (handler: Pick<SandboxHandler, "domain">, domain: string): boolean =>
  handler.domain.startsWith(domain);

/**
 * Counts leaked, duplicated and missing handlers: DM's handlers in `domain` (and below it) against the
 * declared specs (a spec without a domain lives in `domain`) and the ids the state holds.
 */
export function auditHandlers(
  inDm: SandboxHandler[],
  specs: Spec[],
  stateIds: string[],
  domain: string,
): HandlerAudit {
  const key = (d: string, name: string) => `${d}\u0000${name}`;
  const declared = new Map<string, number>();
  for (const spec of specs) {
    const k = key(domainOf(spec, domain), spec.args.name as string);
    declared.set(k, (declared.get(k) ?? 0) + 1);
  }
  const found = new Map<string, number>();
  for (const handler of inDm) {
    const k = key(handler.domain, handler.name);
    found.set(k, (found.get(k) ?? 0) + 1);
  }
  const inState = new Set(stateIds);
  const leaked = inDm.filter((h) => !inState.has(h.id)).length;
  let duplicated = 0;
  let missing = 0;
  for (const [k, count] of found) duplicated += Math.max(0, count - Math.max(1, declared.get(k) ?? 0));
  for (const [k, wanted] of declared) missing += Math.max(0, wanted - (found.get(k) ?? 0));
  return { inDm: inDm.length, declared: specs.length, leaked, duplicated, missing };
}

/** What a convergence check saw: the clean `up` it ran, and the handler audit after it (all zeros). */
export interface Converged {
  up: UpResult;
  audit: HandlerAudit;
}

/**
 * The invariants a CI pipeline relies on after any failure: once faults stop, one more `up` succeeds and
 * DM holds exactly the declared handlers (no duplicate, no orphan), the state's ids are DM's ids, and a
 * preview shows nothing left to do. `domain` scopes the check: DM's handlers in it and below it.
 *
 * @throws An AssertionError naming the first invariant that does not hold.
 */
export async function assertConverged(
  stack: ProgramStack,
  sandbox: DmSandbox,
  specs: Spec[],
  domain: string,
): Promise<Converged> {
  const up = await stack.up();
  const inDm = (await sandbox.handlers()).filter((h) => inScope(h, domain));
  const declaredNames = specs.map((s) => `${domainOf(s, domain)}${s.args.name as string}`).sort();
  deepStrictEqual(
    inDm.map((h) => `${h.domain}${h.name}`).sort(),
    declaredNames,
    "DM must hold exactly the declared handlers",
  );
  const inState = await stack.resourcesInState();
  const stateIds = inState.map((r) => r.id ?? "");
  deepStrictEqual([...stateIds].sort(), inDm.map((h) => h.id).sort(), "the state's ids must be DM's ids");
  const audit = auditHandlers(inDm, specs, stateIds, domain);
  deepStrictEqual(
    { leaked: audit.leaked, duplicated: audit.duplicated, missing: audit.missing },
    { leaked: 0, duplicated: 0, missing: 0 },
    "no handler may leak, be duplicated or be missing",
  );
  const preview = await stack.preview();
  deepStrictEqual(preview.changes, 0, `a preview after convergence must change nothing:\n${preview.stdout}`);
  return { up, audit };
}
