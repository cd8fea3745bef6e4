/**
 * A log that keeps the newest `limit` entries and counts the ones it let go: an event storm must not
 * grow the sandbox's memory, and a reader must be able to tell that entries are missing.
 */
export class BoundedLog<T> {
  // A ring: `start` is the oldest entry once the buffer has filled up.
  private entries: T[] = [];
  private start = 0;
  private droppedCount = 0;

  constructor(readonly limit: number) {}

  push(entry: T): void {
    if (this.limit <= 0) {
      this.droppedCount++;
      return;
    }
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.start] = entry;
    this.start = (this.start + 1) % this.limit;
    this.droppedCount++;
  }

  /** Oldest first. */
  list(): T[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries let go since the sandbox started (clearing the log does not reset it). */
  get dropped(): number {
    return this.droppedCount;
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }
}
