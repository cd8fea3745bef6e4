import type { KafkaProducerFactory } from "./delivery/kafka";
import type { HostLookup } from "./delivery/targetPolicy";

export interface SandboxUser {
  username: string;
  password: string;
  /** The user's own domain: the default for requests without ?domain=, and the root of what it may see. */
  domain?: string;
}

/** A DM service account: Keycloak's client_credentials grant. */
export interface SandboxServiceAccount {
  clientId: string;
  clientSecret: string;
  /** Same meaning as a user's domain. */
  domain?: string;
}

export interface SandboxOptions {
  /** 0 picks a free port. */
  port: number;
  /** Loopback by default: the admin API trusts local requests (see adminGuard.ts). */
  host: string;
  /** When set, admin API requests need `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Static bearer tokens; they act for the default domain and may reach every domain. */
  tokens: string[];
  users: SandboxUser[];
  serviceAccounts: SandboxServiceAccount[];
  /** Lifetime of tokens issued by the password and service-account grants. */
  tokenTtlSeconds: number;
  /** Persist handlers and domain properties here across restarts; in memory when unset. */
  dataFile?: string;
  /** Return write-only secrets as "********" (docs/dm-contract.md § 5). */
  masking: boolean;
  /** Reject what DM's sources disagree on (the plural "domainProperties"). */
  strict: boolean;
  /** Refuse loopback and private targets with 4005/4006, as installations that block internal addresses do. */
  restrictInternal: boolean;
  defaultDomain: string;
  /** Timeout of one delivery (webhook request or Kafka send). */
  deliveryTimeoutMs: number;
  /** Deliveries in flight at once across all handlers, besides the one slot each handler has of its own. */
  deliveryConcurrency: number;
  /** Deliveries in flight at once for one handler: a slow receiver holds no more slots than this. */
  deliveryConcurrencyPerHandler: number;
  /** Deliveries waiting in all; past it the oldest waiting one of the longest queue is dropped. */
  deliveryQueueLimit: number;
  /** Entries the delivery log keeps; the oldest go first. */
  deliveryLogLimit: number;
  /** How delivery targets' host names are resolved (default: the system resolver); tests play DNS with it. */
  lookup?: HostLookup;
  /** Largest request body accepted. */
  bodyLimitBytes: number;
  /** Entries the DM API request log keeps; the oldest go first (counted in GET /__sandbox/requests/stats). */
  requestLogLimit: number;
  /** Time a client has to send a request's headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included (answering it may take longer). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic for this long is closed, unless a request on it is being answered. */
  connectionTimeoutMs: number;
  /**
   * With a data file: fold the journal into the snapshot after this many changes, or after as many as
   * the store holds handlers if that is more (so a compaction's cost, spread over the changes, stays flat).
   */
  compactAfterChanges: number;
  /** Kafka delivery: a real producer by default; `null` turns it off (deliveries then fail, saying so). */
  kafka?: KafkaProducerFactory | null;
  /** Log requests to stderr. */
  verbose: boolean;
}

export const defaultSandboxOptions: SandboxOptions = {
  port: 0,
  host: "127.0.0.1",
  tokens: [],
  users: [],
  serviceAccounts: [],
  tokenTtlSeconds: 300,
  masking: true,
  strict: false,
  restrictInternal: false,
  defaultDomain: "/sandbox/",
  deliveryTimeoutMs: 5_000,
  deliveryConcurrency: 16,
  deliveryConcurrencyPerHandler: 4,
  deliveryQueueLimit: 10_000,
  deliveryLogLimit: 10_000,
  bodyLimitBytes: 64 * 1024,
  requestLogLimit: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  connectionTimeoutMs: 10_000,
  compactAfterChanges: 1_000,
  verbose: false,
};
