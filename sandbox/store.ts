import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import type { EventHandlerConfiguration } from "../provider/schemas";
import { ancestry } from "./domains";

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

/** The data file holds every secret in clear: the owner alone may read it. */
const secretFileMode = 0o600;

/** All the sandbox's state, optionally persisted to a JSON file after every change. */
export class Store {
  private handlers = new Map<string, StoredHandler>();
  private domainKafkaProperties = new Map<string, string>();

  constructor(private readonly dataFile?: string) {
    if (dataFile && existsSync(dataFile)) {
      chmodSync(dataFile, secretFileMode); // a file from an older sandbox may still be world-readable
      const snapshot = JSON.parse(readFileSync(dataFile, "utf8")) as Snapshot;
      for (const handler of snapshot.handlers) this.handlers.set(handler.id, handler);
      for (const [domain, text] of Object.entries(snapshot.domainKafkaProperties))
        this.domainKafkaProperties.set(domain, text);
    }
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
    return this.all().filter((handler) => handler.domain === domain);
  }

  get(id: string): StoredHandler | undefined {
    return this.handlers.get(id);
  }

  put(handler: StoredHandler): void {
    this.handlers.set(handler.id, handler);
    this.save();
  }

  delete(id: string): boolean {
    const existed = this.handlers.delete(id);
    if (existed) this.save();
    return existed;
  }

  setDomainKafkaProperties(domain: string, properties: string | undefined): void {
    if (properties === undefined) this.domainKafkaProperties.delete(domain);
    else this.domainKafkaProperties.set(domain, properties);
    this.save();
  }

  /** The domain's own Kafka properties, or the nearest ancestor's ("Own" or inherited, as in DM's UI). */
  effectiveKafkaProperties(domain: string): string | undefined {
    for (const candidate of ancestry(domain)) {
      const properties = this.domainKafkaProperties.get(candidate);
      if (properties !== undefined) return properties;
    }
    return undefined;
  }

  reset(): void {
    this.handlers.clear();
    this.domainKafkaProperties.clear();
    this.save();
  }

  private save(): void {
    if (!this.dataFile) return;
    const snapshot: Snapshot = {
      handlers: this.all(),
      domainKafkaProperties: Object.fromEntries(this.domainKafkaProperties),
    };
    // Write then rename, so a crash never leaves half a file.
    const temp = `${this.dataFile}.tmp`;
    const fd = openSync(temp, "w", secretFileMode);
    try {
      fchmodSync(fd, secretFileMode); // the mode above applies only to a new file: a leftover keeps its own
      writeFileSync(fd, JSON.stringify(snapshot, null, 2));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.dataFile);
  }
}
