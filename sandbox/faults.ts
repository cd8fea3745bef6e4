import { z } from "zod";

/** A fault to apply to the next `times` requests matching a path pattern (and method, if given). */
export const faultSchema = z.strictObject({
  /**
   * Matched against the request path (without the query): a glob when it uses `*` and no other regular
   * expression character (`*` = within one path segment, `**` = across segments, whole path), otherwise a
   * regular expression searched anywhere in the path.
   */
  pathPattern: z.string().min(1),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(["GET", "POST", "PUT", "DELETE"]))
    .optional(),
  times: z.number().int().min(1).max(10_000).default(1),
  kind: z.enum(["latency", "status", "drop"]),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  /** Seconds, sent as Retry-After (with status 429 or 503). */
  retryAfter: z.number().min(0).optional(),
  /** Run the request for real, then fail the answer: the client cannot tell whether it happened. */
  afterCommit: z.boolean().default(false),
});

/**
 * A fault as the admin API lists it: `remaining` uses left, `fired` the requests it has faulted so far. A
 * spent fault (remaining 0) stays listed, so a test can check that its fault fired; it matches nothing more.
 */
export type Fault = z.infer<typeof faultSchema> & { id: number; remaining: number; fired: number };

/** Spent faults kept for the list (the newest), so a sandbox that is never cleared stays bounded. */
export const spentFaultLimit = 1_000;

const regexOnlyCharacters = /[\\^$.()[\]{}|+?]/;

/** Compiles a fault's path pattern; see `faultSchema.pathPattern` for the glob-or-regex rule. */
export function compilePathPattern(pattern: string): RegExp {
  if (pattern.includes("*") && !regexOnlyCharacters.test(pattern)) {
    const body = pattern
      .split("**")
      .map((part) => part.split("*").join("[^/]*"))
      .join(".*");
    return new RegExp(`^${body}$`);
  }
  return new RegExp(pattern);
}

export class FaultInjector {
  private faults: Array<Fault & { matcher: RegExp }> = [];
  private nextId = 1;

  add(input: unknown): Fault {
    const parsed = faultSchema.parse(input);
    const matcher = compilePathPattern(parsed.pathPattern); // fails now on a bad pattern, not later
    const fault = { ...parsed, id: this.nextId++, remaining: parsed.times, fired: 0 };
    this.faults.push({ ...fault, matcher });
    return fault;
  }

  /** Takes one use of the first fault that matches, or returns undefined. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && f.matcher.test(path),
    );
    if (!fault) return undefined;
    fault.remaining--;
    fault.fired++;
    if (fault.remaining === 0) this.dropOldSpent();
    return withoutMatcher(fault);
  }

  /** Every fault added since the last clear, pending and spent (the newest spentFaultLimit), oldest first. */
  list(): Fault[] {
    return this.faults.map(withoutMatcher);
  }

  clear(): void {
    this.faults = [];
  }

  private dropOldSpent(): void {
    let excess = this.faults.filter((f) => f.remaining === 0).length - spentFaultLimit;
    if (excess > 0) this.faults = this.faults.filter((f) => f.remaining > 0 || excess-- <= 0);
  }
}

function withoutMatcher({ matcher: _matcher, ...fault }: Fault & { matcher: RegExp }): Fault {
  return fault;
}
