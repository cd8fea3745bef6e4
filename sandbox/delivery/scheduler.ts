/**
 * Runs deliveries fairly and within bounds. Work is queued per key (one handler, or one configuration
 * under test) and served round-robin, one start per key per turn, under three rules:
 * - a key with nothing in flight may always start one: every handler keeps a slot of its own, so any
 *   number of receivers that never answer cannot delay a healthy handler by a single timeout;
 * - beyond that one, a key takes slots from a shared pool (`shared`), at most `perKey` in flight in all;
 * - at most `queueLimit` deliveries wait in all; past it the oldest waiting delivery of the longest queue
 *   (the key flooding the sandbox) is dropped, so memory stays flat under any event storm.
 * Deliveries in flight are therefore at most `shared` plus one per key with work. A slot may carry up to
 * `batchLimit` batchable deliveries of its key at once (Kafka records, which go out in one produce request).
 * Hand-written because the maintained npm limiters are ESM-only and this package is CommonJS.
 */

interface Job<T> {
  task: (signal: AbortSignal) => Promise<T>;
  /** Settles the job without running it (dropped or cancelled), with `reason`. */
  skip: (reason: string) => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  batchable: boolean;
}

interface Running {
  controller: AbortController;
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
  private readonly running = new Map<string, Set<Running>>();
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

  run<T>(
    key: string,
    task: (signal: AbortSignal) => Promise<T>,
    skip: (reason: string) => T,
    batchable = false,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      queue.push({ task, skip, resolve, reject, batchable } as Job<unknown>);
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
    const running = this.running.get(key) ?? [];
    // Not those cancelled before and still winding down.
    for (const { controller, jobs } of running) if (!controller.signal.aborted) this.cancelled += jobs;
    for (const { controller } of running) controller.abort(reason);
  }

  cancelAll(reason: string): void {
    for (const key of new Set([...this.queues.keys(), ...this.running.keys()])) this.cancel(key, reason);
  }

  stats(): SchedulerStats {
    let inFlight = 0;
    for (const set of this.running.values()) for (const running of set) inFlight += running.jobs;
    return {
      queued: this.queued,
      inFlight,
      queueLimit: this.queueLimit,
      dropped: this.dropped,
      cancelled: this.cancelled,
    };
  }

  private canStart(key: string): boolean {
    const inFlight = this.running.get(key)?.size ?? 0;
    return inFlight === 0 || (inFlight < this.perKey && this.sharedInUse < this.shared);
  }

  private pump(): void {
    for (let started = true; started;) {
      started = false;
      for (const key of [...this.queues.keys()]) {
        if (!this.canStart(key)) continue;
        const queue = this.queues.get(key)!;
        let count = 1;
        while (
          count < Math.min(queue.length, this.batchLimit) &&
          queue[0]!.batchable &&
          queue[count]!.batchable
        )
          count++;
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
    const set = this.running.get(key) ?? new Set<Running>();
    this.running.set(key, set);
    // Shared slots in use = Σ max(0, in flight − 1): a key's first delivery is on its own slot.
    if (set.size >= 1) this.sharedInUse++;
    // A key's deliveries are cancelled together: they share a controller (a new one once it has fired).
    const shared = set.values().next().value?.controller;
    const controller = shared && !shared.signal.aborted ? shared : new AbortController();
    const running: Running = { controller, jobs: jobs.length };
    set.add(running);
    void Promise.all(
      jobs.map((job) => job.task(running.controller.signal).then(job.resolve, job.reject)),
    ).finally(() => {
      if (set.size >= 2) this.sharedInUse--;
      set.delete(running);
      if (set.size === 0 && this.running.get(key) === set) this.running.delete(key);
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
