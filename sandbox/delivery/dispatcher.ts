import { randomUUID } from "node:crypto";
import type { Agent } from "undici";
import { codes, DmError } from "../errors";
import type { SandboxOptions } from "../options";
import type { Store, StoredHandler } from "../store";
import { BoundedLog } from "./boundedLog";
import type { DeviceEvent } from "./events";
import { guardedAgent } from "./guardedAgent";
import { effectiveProducerProperties } from "./kafka";
import { redactHeaders, redactProperties } from "./redact";
import { FairScheduler, type SchedulerStats } from "./scheduler";
import { defaultLookup, kafkaEndpoints, TargetPolicy, webhookEndpoint } from "./targetPolicy";
import { render, renderHeaders, defaultTemplates, variablesOf } from "./templates";
import { deliverWebhook, type DeliveryOutcome } from "./webhook";
import type { EventHandlerConfiguration } from "../../provider/schemas";
import { maskUriPassword } from "../uriPassword";

export interface DeliveryRecord extends DeliveryOutcome {
  handlerId?: string;
  handlerName: string;
  kind: "event" | "test";
  event: DeviceEvent;
  durationMs: number;
  time: string;
  /** Kafka only: the producer configuration used (secrets redacted). */
  producerProperties?: Record<string, string>;
  /** Never attempted (queue full, handler deleted or switched off, sandbox reset): why. Not logged. */
  skipped?: string;
}

export interface DeliveryStats extends SchedulerStats {
  /** Entries in the delivery log, its bound, and entries let go since the start. */
  logged: number;
  logLimit: number;
  logDropped: number;
  /** Deliveries refused at delivery time (target policy), since the start. */
  refused: number;
}

/** A webhook URI parsed, and as the log shows it: worked out once per configuration object. */
const parsedUris = new WeakMap<object, [URL, string]>();

/** After this many failures in a row DM switches a handler off (unless allowFailures). */
const failuresBeforeDisable = 5;

/**
 * Delivers device events to handlers: concurrently, fairly and within bounds (scheduler.ts), each with
 * its own timeout, never to a target the policy refuses (targetPolicy.ts). Keeps the bounded delivery log
 * and DM's failure bookkeeping.
 */
export class Dispatcher {
  /** Also used by the API to refuse such targets when a handler is written. */
  readonly targets: TargetPolicy;
  private readonly scheduler: FairScheduler;
  private readonly log: BoundedLog<DeliveryRecord>;
  private readonly agent: Agent;
  private refusedCount = 0;

  constructor(
    private readonly options: SandboxOptions,
    private readonly store: Store,
    /** The ports the sandbox listens on (read at each check: known only once it listens). */
    ownPorts: () => number[],
  ) {
    this.targets = new TargetPolicy({
      restrictInternal: options.restrictInternal,
      ownPorts,
      lookup: options.lookup ?? defaultLookup,
      lookupTimeoutMs: Math.min(options.deliveryTimeoutMs, 5_000),
    });
    this.agent = guardedAgent(this.targets, options.deliveryTimeoutMs);
    this.scheduler = new FairScheduler(
      options.deliveryConcurrency,
      options.deliveryConcurrencyPerHandler,
      options.deliveryQueueLimit,
    );
    this.log = new BoundedLog(options.deliveryLogLimit);
  }

  deliveries(): DeliveryRecord[] {
    return this.log.list();
  }

  stats(): DeliveryStats {
    return {
      ...this.scheduler.stats(),
      logged: this.log.size,
      logLimit: this.log.limit,
      logDropped: this.log.dropped,
      refused: this.refusedCount,
    };
  }

  /** Reset: forget the log, and drop every delivery waiting or in flight (their handlers are gone). */
  clear(): void {
    this.scheduler.cancelAll("cancelled: the sandbox was reset");
    this.log.clear();
  }

  /** A handler was deleted: its waiting deliveries are dropped and those in flight aborted. */
  forget(handlerId: string): void {
    this.scheduler.cancel(handlerId, `cancelled: handler ${handlerId} was deleted`);
  }

  async close(): Promise<void> {
    this.scheduler.cancelAll("cancelled: the sandbox stopped");
    await this.agent.close();
  }

  /** Handlers that would receive the event: enabled, same domain, matching filter. */
  matching(event: DeviceEvent): StoredHandler[] {
    return this.store.inDomain(event.domain).filter(({ enabled, filter }) => {
      if (!enabled) return false;
      if (event.kind !== "telemetry")
        return filter.type === "lifecycle" && filter.eventTypes.includes(event.subtype);
      const under = (prefix: string) => event.url === prefix || event.url.startsWith(`${prefix}/`);
      return filter.type === "telemetry" && filter.lwm2mUrls.some(under);
    });
  }

  /** Sends one event to one configuration (a stored handler or a configuration under test). */
  async deliver(
    config: EventHandlerConfiguration,
    domain: string,
    event: DeviceEvent,
    kind: "event" | "test",
    handlerId?: string,
  ): Promise<DeliveryRecord> {
    // Each stored handler has its own queue and slot; a configuration under test has its own.
    const key = handlerId ?? `test:${randomUUID()}`;
    const skipped = (reason: string): DeliveryRecord => ({
      ok: false,
      error: reason,
      skipped: reason,
      target: describeTarget(config),
      headers: {},
      handlerId,
      handlerName: config.name,
      kind,
      event,
      durationMs: 0,
      time: new Date().toISOString(),
    });
    return this.scheduler.run(key, {
      skip: skipped,
      batchable: config.type === "kafka",
      task: async (signal) => {
        // An event goes out with the handler as it is now: deleted or switched off meanwhile, it gets none.
        const current = kind === "event" && handlerId ? this.store.get(handlerId) : config;
        if (!current) return skipped(`cancelled: handler ${handlerId} was deleted`);
        if (!current.enabled && kind === "event") return skipped(`skipped: handler ${handlerId} is disabled`);
        const started = Date.now();
        // Never rejects: fire() waits for no one, and an unhandled rejection would stop the process.
        const outcome = await this.attempt(current, domain, event, signal).catch((error: unknown) => ({
          ok: false,
          error: `delivery failed: ${error instanceof Error ? error.message : String(error)}`,
          target: describeTarget(current),
          headers: {},
          refused: undefined,
        }));
        // Cancelled while in flight (deleted handler, reset): its outcome belongs to nobody.
        if (signal.aborted) return skipped(String(signal.reason));
        if (outcome.refused) this.refusedCount++;
        // Object.assign, not a spread: see deliverWebhook.
        const record: DeliveryRecord = Object.assign({}, outcome, {
          handlerId,
          handlerName: current.name,
          kind,
          event,
          durationMs: Date.now() - started,
          time: new Date(started).toISOString(),
        });
        this.log.push(record);
        return record;
      },
    });
  }

  private async attempt(
    config: EventHandlerConfiguration,
    domain: string,
    event: DeviceEvent,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome & { producerProperties?: Record<string, string> }> {
    if (config.type === "kafka") return this.deliverKafka(config, domain, event);
    const connection = config.connectionConfig;
    const parsed = parsedUris.get(connection) ?? [new URL(connection.uri), maskUriPassword(connection.uri)];
    parsedUris.set(connection, parsed);
    const [url, target] = parsed;
    // Checked again at every delivery (DNS changes); the agent checks the connection itself as well.
    const refusal = await this.targets.endpointRefusal(webhookEndpoint(url));
    if (refusal)
      return { ok: false, refused: true, error: `refused ${target}: ${refusal}`, target, headers: {} };
    return deliverWebhook(connection, event, {
      url,
      target,
      timeoutMs: this.options.deliveryTimeoutMs,
      agent: this.agent,
      signal,
    });
  }

  private async deliverKafka(
    config: Extract<EventHandlerConfiguration, { type: "kafka" }>,
    domain: string,
    event: DeviceEvent,
  ) {
    const connection = config.connectionConfig;
    const text =
      connection.type === "custom" ? connection.value : this.store.effectiveKafkaProperties(domain);
    const target = `kafka topic ${connection.topic}`;
    if (text === undefined)
      return { ok: false, error: `domain ${domain} has no Kafka properties`, target, headers: {} };
    const properties = effectiveProducerProperties(text);
    const refusal = await this.targets.firstRefusal(kafkaEndpoints(properties["bootstrap.servers"] ?? ""));
    const variables = variablesOf(event, true); // Kafka bodies are JSON (docs/dm-contract.md § 10)
    const record = {
      topic: connection.topic,
      key: event.endpointName,
      value: render(connection.bodyTemplate?.value ?? defaultTemplates[event.kind], variables),
      headers: renderHeaders(connection.headers, variables),
    };
    const base = {
      target,
      headers: redactHeaders(record.headers),
      producerProperties: redactProperties(properties),
    };
    if (refusal) return { ...base, ok: false, refused: true, error: `refused ${target}: ${refusal}` };
    if (!this.options.kafka)
      return { ...base, ok: false, error: "this sandbox has no Kafka producer configured" };
    const error = await this.options.kafka.send(properties, record, this.options.deliveryTimeoutMs).then(
      () => undefined,
      (e: unknown) => `Kafka delivery failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return error ? { ...base, ok: false, error } : { ...base, ok: true };
  }

  /** Delivers an injected event to every matching handler, and applies DM's failure rule. */
  async dispatch(event: DeviceEvent): Promise<DeliveryRecord[]> {
    return Promise.all(this.matching(event).map((handler) => this.deliverEvent(handler, event)));
  }

  /**
   * The same without waiting: returns how many deliveries were scheduled and keeps no record (the log
   * has them), so under a storm a waiting delivery holds nothing but itself.
   */
  fire(event: DeviceEvent): number {
    const handlers = this.matching(event);
    for (const handler of handlers) void this.deliverEvent(handler, event);
    return handlers.length;
  }

  private async deliverEvent(handler: StoredHandler, event: DeviceEvent): Promise<DeliveryRecord> {
    const record = await this.deliver(handler, handler.domain, event, "event", handler.id);
    if (!record.skipped) this.recordOutcome(handler.id, record.ok); // a drop is not the receiver's failure
    return record;
  }

  private recordOutcome(id: string, ok: boolean): void {
    const current = this.store.get(id);
    if (!current) return; // deleted while the delivery was in flight
    if (ok) {
      if (current.consecutiveFailures !== 0) this.store.put({ ...current, consecutiveFailures: 0 });
      return;
    }
    const failures = current.consecutiveFailures + 1;
    const disable = failures >= failuresBeforeDisable && !current.allowFailures;
    this.store.put({
      ...current,
      consecutiveFailures: failures,
      ...(disable ? { enabled: false, status: "failed" as const } : {}),
    });
  }

  /** Guard used by the API: a domainProperty handler needs properties in its domain (code 4003). */
  assertKafkaPropertiesAvailable(config: EventHandlerConfiguration, domain: string): void {
    if (config.type !== "kafka" || config.connectionConfig.type === "custom") return;
    if (this.store.effectiveKafkaProperties(domain) === undefined) {
      throw new DmError(
        codes.invalidLwm2mUrlOrNoKafkaProperty,
        `domain ${domain} has no Kafka domain property`,
      );
    }
  }
}

/** Where a configuration delivers, as the log shows it (a URI's password masked). */
function describeTarget(config: EventHandlerConfiguration): string {
  return config.type === "webhook"
    ? maskUriPassword(config.connectionConfig.uri)
    : `kafka topic ${config.connectionConfig.topic}`;
}
