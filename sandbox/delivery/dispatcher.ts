import { randomUUID } from "node:crypto";
import { codes, DmError } from "../errors";
import type { SandboxOptions } from "../options";
import type { Store, StoredHandler } from "../store";
import type { DeviceEvent } from "./events";
import { effectiveProducerProperties, redactProperties } from "./kafka";
import { Limiter } from "./limiter";
import { render, renderHeaders, defaultTemplates, variablesOf } from "./templates";
import { deliverWebhook, type DeliveryOutcome } from "./webhook";
import type { EventHandlerConfiguration } from "../../provider/schemas";

export interface DeliveryRecord extends DeliveryOutcome {
  handlerId?: string;
  handlerName: string;
  kind: "event" | "test";
  event: DeviceEvent;
  durationMs: number;
  time: string;
  /** Kafka only: the producer configuration used (secrets redacted). */
  producerProperties?: Record<string, string>;
}

/** After this many failures in a row DM switches a handler off (unless allowFailures). */
const failuresBeforeDisable = 5;

/**
 * Delivers device events to handlers: concurrently, bounded, each with its own timeout, so a slow
 * receiver holds up only its own delivery. Keeps the delivery log and DM's failure bookkeeping.
 */
export class Dispatcher {
  private readonly limiter: Limiter;
  private readonly log: DeliveryRecord[] = [];

  constructor(
    private readonly options: SandboxOptions,
    private readonly store: Store,
  ) {
    this.limiter = new Limiter(options.deliveryConcurrency, options.deliveryConcurrencyPerHandler);
  }

  deliveries(): DeliveryRecord[] {
    return [...this.log];
  }

  clear(): void {
    this.log.length = 0;
  }

  /** Handlers that would receive the event: enabled, same domain, matching filter. */
  matching(event: DeviceEvent): StoredHandler[] {
    return this.store.inDomain(event.domain).filter((handler) => {
      if (!handler.enabled) return false;
      if (event.kind === "telemetry") {
        return (
          handler.filter.type === "telemetry" &&
          handler.filter.lwm2mUrls.some(
            (prefix) => event.url === prefix || event.url.startsWith(`${prefix}/`),
          )
        );
      }
      return handler.filter.type === "lifecycle" && handler.filter.eventTypes.includes(event.subtype);
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
    // Each stored handler has its own share of the delivery slots; a configuration under test has its own.
    const key = handlerId ?? `test:${randomUUID()}`;
    return this.limiter.run(key, async () => {
      const started = Date.now();
      let outcome: DeliveryOutcome & { producerProperties?: Record<string, string> };
      if (config.type === "webhook")
        outcome = await deliverWebhook(config.connectionConfig, event, this.options.deliveryTimeoutMs);
      else outcome = await this.deliverKafka(config, domain, event);
      const record: DeliveryRecord = {
        ...outcome,
        handlerId,
        handlerName: config.name,
        kind,
        event,
        durationMs: Date.now() - started,
        time: new Date(started).toISOString(),
      };
      this.log.push(record);
      return record;
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
    if (text === undefined) {
      return { ok: false, error: `domain ${domain} has no Kafka properties`, target, headers: {} };
    }
    const properties = effectiveProducerProperties(text);
    const json = true; // Kafka bodies are JSON (dm-api.md §5)
    const variables = variablesOf(event, json);
    const record = {
      topic: connection.topic,
      key: event.endpointName,
      value: render(connection.bodyTemplate?.value ?? defaultTemplates[event.kind], variables),
      headers: renderHeaders(connection.headers, variables),
    };
    const base = { target, headers: record.headers, producerProperties: redactProperties(properties) };
    if (!this.options.kafka) {
      return { ...base, ok: false, error: "this sandbox has no Kafka producer configured" };
    }
    try {
      await this.options.kafka.send(properties, record, this.options.deliveryTimeoutMs);
      return { ...base, ok: true };
    } catch (error) {
      return {
        ...base,
        ok: false,
        error: `Kafka delivery failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  /** Delivers an injected event to every matching handler, and applies DM's failure rule. */
  async dispatch(event: DeviceEvent): Promise<DeliveryRecord[]> {
    const handlers = this.matching(event);
    return Promise.all(
      handlers.map(async (handler) => {
        const record = await this.deliver(handler, handler.domain, event, "event", handler.id);
        this.recordOutcome(handler.id, record.ok);
        return record;
      }),
    );
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
