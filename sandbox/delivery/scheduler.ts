/**
 * Runs deliveries fairly and within bounds. Work is queued per key (one handler, or one configuration
 * under test) and served round-robin, one start per key per turn, under three rules:
 * - a key with nothing in flight may always start one: every handler keeps a slot of its own, so any
 *   number of receivers that never answer cannot delay a healthy handler by a single timeout;
 * - beyond that one, a key takes slots from a shared pool (`shared`), at most `perKey` in flight in all;
 * - at most `queueLimit` deliveries wait in all; past it the oldest waiting delivery of the longest queue
 *   (the key flooding the sandbox) is dropped, so memory stays flat under any event storm.
 * Deliveries in flight are therefore at most `shared` plus one per key with work (a slot, see `batchable`).
 * Hand-written because the maintained npm limiters are ESM-only and this package is CommonJS.
 */

interface Job<T> {
  task: (signal: AbortSignal) => Promise<T>;
  /** Settles the job without running it (dropped or cancelled), with `reason`. */
  skip: (reason: string) => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  /** Kafka records: a slot carries up to `batchLimit` of its key's together, sent in one produce request. */
  batchable: boolean;
}

/** A key's deliveries in flight: on `slots` slots, cancelled together. */
interface Running {
  controller: AbortController;
  slots: number;
  jobs: number;
}

export interface SchedulerStats {
  queued: number;
  inFlight: number;
  queueLimit: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Queued or in flight when their handler was deleted or the sandbox reset. */
  cancelled: number;
}

export class FairScheduler {
  // A Map keeps insertion order: moving a served key to the end makes the turn order round-robin.
  private readonly queues = new Map<string, Job<unknown>[]>();
  private readonly running = new Map<string, Running>();
  private sharedInUse = 0;
  private queued = 0;
  private dropped = 0;
  private cancelled = 0;

  constructor(
    private readonly shared: number,
    private readonly perKey: number,
    private readonly queueLimit: number,
    private readonly batchLimit = 500,
  ) {}

  run<T>(key: string, work: Pick<Job<T>, "task" | "skip" | "batchable">): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      queue.push({ resolve, reject, ...work } as Job<unknown>); // (spread last: V8 extends a spread copy slowly)
      this.queues.set(key, queue);
      this.queued++;
      this.pump();
      while (this.queued > this.queueLimit) this.dropOldestOfLongest();
    });
  }

  /** Drops a key's waiting work and aborts its deliveries in flight (its handler is gone). */
  cancel(key: string, reason: string): void {
    for (const job of this.queues.get(key) ?? []) {
      this.queued--;
      this.cancelled++;
      job.resolve(job.skip(reason));
    }
    this.queues.delete(key);
    const running = this.running.get(key);
    this.running.delete(key); // they wind down on their slots, the key's no more
    this.cancelled += running?.jobs ?? 0;
    running?.controller.abort(reason);
  }

  cancelAll(reason: string): void {
    for (const key of new Set([...this.queues.keys(), ...this.running.keys()])) this.cancel(key, reason);
  }

  stats(): SchedulerStats {
    const inFlight = [...this.running.values()].reduce((sum, running) => sum + running.jobs, 0);
    return {
      queued: this.queued,
      inFlight,
      queueLimit: this.queueLimit,
      dropped: this.dropped,
      cancelled: this.cancelled,
    };
  }

  private canStart(key: string): boolean {
    const slots = this.running.get(key)?.slots ?? 0;
    return slots === 0 || (slots < this.perKey && this.sharedInUse < this.shared);
  }

  private pump(): void {
    for (let started = true; started;) {
      started = false;
      for (const key of [...this.queues.keys()]) {
        if (!this.canStart(key)) continue;
        const queue = this.queues.get(key)!;
        const batch = queue[0]!.batchable ? queue.findIndex((job) => !job.batchable) : 1;
        const count = Math.min(batch < 0 ? queue.length : batch, this.batchLimit);
        const jobs = queue.splice(0, count);
        this.queues.delete(key);
        if (queue.length > 0) this.queues.set(key, queue); // to the back of the turn order
        this.queued -= count;
        this.start(key, jobs);
        started = true;
      }
    }
  }

  private start(key: string, jobs: Job<unknown>[]): void {
    const running = this.running.get(key) ?? { controller: new AbortController(), slots: 0, jobs: 0 };
    this.running.set(key, running);
    // Shared slots in use = Σ max(0, slots − 1): a key's first slot is its own.
    if (running.slots++ >= 1) this.sharedInUse++;
    running.jobs += jobs.length;
    void Promise.all(
      jobs.map((job) => job.task(running.controller.signal).then(job.resolve, job.reject)),
    ).then(() => {
      if (--running.slots >= 1) this.sharedInUse--;
      running.jobs -= jobs.length;
      if (running.slots === 0 && this.running.get(key) === running) this.running.delete(key);
      this.pump();
    });
  }

  private dropOldestOfLongest(): void {
    let longest: [string, Job<unknown>[]] | undefined;
    for (const entry of this.queues) if (!longest || entry[1].length > longest[1].length) longest = entry;
    if (!longest) return;
    const [key, queue] = longest;
    const job = queue.shift()!;
    if (queue.length === 0) this.queues.delete(key);
    this.queued--;
    this.dropped++;
    job.resolve(job.skip(`dropped: the delivery queue was full (${this.queueLimit} waiting deliveries)`));
  }
}
