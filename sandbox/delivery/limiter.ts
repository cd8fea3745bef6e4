/**
 * Bounds deliveries in flight: at most `total` at once, and at most `perKey` for one key (one handler, or
 * one configuration under test), so a slow receiver can hold only its own share of the slots and never
 * stall the other handlers. Hand-written (a few lines) because the maintained npm limiters are ESM-only and
 * this package is CommonJS.
 */
export class Limiter {
  private readonly global: Semaphore;
  private readonly byKey = new Map<string, Semaphore>();

  constructor(
    total: number,
    private readonly perKey: number,
  ) {
    this.global = new Semaphore(total);
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let own = this.byKey.get(key);
    if (!own) {
      own = new Semaphore(this.perKey);
      this.byKey.set(key, own);
    }
    const keyed = own;
    // The key's own slot first: while a handler waits for it, it holds none of the shared ones.
    return keyed
      .run(() => this.global.run(task))
      .finally(() => {
        if (keyed.idle) this.byKey.delete(key);
      });
  }
}

class Semaphore {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A released slot is handed straight to the next waiter, so a newcomer can never slip in between.
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
