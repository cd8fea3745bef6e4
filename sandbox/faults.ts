import { z } from "zod";

/** A fault to apply to the next `times` requests matching a path pattern (and method, if given). */
export const faultSchema = z.strictObject({
  /** A regular expression matched against the request path (without the query). */
  pathPattern: z.string().min(1),
  method: z.enum(["GET", "POST", "PUT", "DELETE"]).optional(),
  times: z.number().int().min(1).max(10_000).default(1),
  kind: z.enum(["latency", "status", "drop"]),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  /** Seconds, sent as Retry-After (with status 429 or 503). */
  retryAfter: z.number().min(0).optional(),
  /** Run the request for real, then fail the answer: the client cannot tell whether it happened. */
  afterCommit: z.boolean().default(false),
});

export type Fault = z.infer<typeof faultSchema> & { id: number; remaining: number };

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: z.input<typeof faultSchema>): Fault {
    const parsed = faultSchema.parse(input);
    new RegExp(parsed.pathPattern); // fail now on a bad pattern, not on the next request
    const fault: Fault = { ...parsed, id: this.nextId++, remaining: parsed.times };
    this.faults.push(fault);
    return fault;
  }

  /** Takes one use of the first fault that matches, or returns undefined. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && new RegExp(f.pathPattern).test(path),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  clear(): void {
    this.faults = [];
  }
}
