import { randomBytes } from "node:crypto";
import type { EventHandlerConfiguration } from "../provider/schemas";
import { ancestry } from "./domains";
import { Journal } from "./journal";

export type HandlerStatus = "active" | "inactive" | "failed";

/** A handler as the sandbox keeps it: the configuration DM accepted, plus DM's own bookkeeping. */
export type StoredHandler = EventHandlerConfiguration & {
  id: string;
  domain: string;
  createdAt: string;
  status: HandlerStatus;
  /** Consecutive delivery failures; 5 switch the handler off unless allowFailures. */
  consecutiveFailures: number;
};

interface Snapshot {
  handlers: StoredHandler[];
  domainKafkaProperties: Record<string, string>;
}

/** One change to the state, as the journal records it: each sets or removes a whole value. */
type Change =
  | { op: "put"; handler: StoredHandler }
  | { op: "delete"; id: string }
  | { op: "kafka"; domain: string; properties: string | null }
  | { op: "reset" };

/**
 * All the sandbox's state. With a data file, every change is appended to a journal (see journal.ts) and
 * `durable()` tells when it is on disk; a start replays the journal over the snapshot.
 */
export class Store {
  private handlers = new Map<string, StoredHandler>();
  /** Handler ids per domain, in creation order: listing a domain must not cost a scan of them all. */
  private byDomain = new Map<string, Set<string>>();
  private domainKafkaProperties = new Map<string, string>();
  private readonly journal: Journal<Change, Snapshot> | undefined;

  constructor(
    dataFile: string | undefined,
    /** Fold the journal into the snapshot after this many changes (or as many as there are handlers). */
    private readonly compactAfterChanges: number,
  ) {
    if (!dataFile) return;
    this.journal = new Journal(dataFile);
    const { snapshot, records } = this.journal.load();
    for (const handler of snapshot?.handlers ?? []) this.apply({ op: "put", handler });
    for (const [domain, properties] of Object.entries(snapshot?.domainKafkaProperties ?? {}))
      this.apply({ op: "kafka", domain, properties });
    for (const record of records) this.apply(record);
    // Start from a fresh snapshot and an empty journal (this also rewrites a pre-journal data file).
    this.journal.compact(this.snapshot());
  }

  /** DM ids look like MongoDB ObjectIds: 24 lowercase hex characters. */
  newId(): string {
    let id: string;
    do id = randomBytes(12).toString("hex");
    while (this.handlers.has(id));
    return id;
  }

  all(): StoredHandler[] {
    return [...this.handlers.values()];
  }

  inDomain(domain: string): StoredHandler[] {
    return [...(this.byDomain.get(domain) ?? [])].map((id) => this.handlers.get(id)!);
  }

  get(id: string): StoredHandler | undefined {
    return this.handlers.get(id);
  }

  put(handler: StoredHandler): void {
    this.change({ op: "put", handler });
  }

  delete(id: string): boolean {
    if (!this.handlers.has(id)) return false;
    this.change({ op: "delete", id });
    return true;
  }

  setDomainKafkaProperties(domain: string, properties: string | undefined): void {
    this.change({ op: "kafka", domain, properties: properties ?? null });
  }

  /** The domain's own Kafka properties, or the nearest ancestor's ("Own" or inherited, as in DM's UI). */
  effectiveKafkaProperties(domain: string): string | undefined {
    const owner = ancestry(domain).find((candidate) => this.domainKafkaProperties.has(candidate));
    return owner === undefined ? undefined : this.domainKafkaProperties.get(owner);
  }

  reset(): void {
    this.change({ op: "reset" });
  }

  /** Resolves once every change made so far is on disk (at once without a data file). */
  durable(): Promise<void> {
    return this.journal ? this.journal.durable() : Promise.resolve();
  }

  /** Syncs and closes the journal; the next start folds it into the snapshot. */
  close(): void {
    this.journal?.close();
  }

  /** Journal first: if the disk refuses the record, the change does not happen either. */
  private change(change: Change): void {
    this.journal?.append(change);
    this.apply(change);
    if (this.journal && this.journal.pendingRecords >= Math.max(this.compactAfterChanges, this.handlers.size))
      this.journal.compact(this.snapshot());
  }

  /** The one place state changes, live and on replay alike. */
  private apply(change: Change): void {
    switch (change.op) {
      case "put": {
        const previous = this.handlers.get(change.handler.id);
        if (previous && previous.domain !== change.handler.domain)
          this.byDomain.get(previous.domain)?.delete(previous.id);
        this.handlers.set(change.handler.id, change.handler);
        let ids = this.byDomain.get(change.handler.domain);
        if (!ids) this.byDomain.set(change.handler.domain, (ids = new Set()));
        ids.add(change.handler.id);
        return;
      }
      case "delete": {
        const handler = this.handlers.get(change.id);
        if (!handler) return;
        this.handlers.delete(change.id);
        const ids = this.byDomain.get(handler.domain);
        ids?.delete(change.id);
        if (ids?.size === 0) this.byDomain.delete(handler.domain);
        return;
      }
      case "kafka":
        if (change.properties === null) this.domainKafkaProperties.delete(change.domain);
        else this.domainKafkaProperties.set(change.domain, change.properties);
        return;
      case "reset":
        this.handlers.clear();
        this.byDomain.clear();
        this.domainKafkaProperties.clear();
        return;
    }
  }

  private snapshot(): Snapshot {
    return { handlers: this.all(), domainKafkaProperties: Object.fromEntries(this.domainKafkaProperties) };
  }
}
