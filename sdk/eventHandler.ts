import * as pulumi from "@pulumi/pulumi";
// The one module, not the index: a program need not load zod and every API schema.
import { withDefaults } from "../provider/schemas/defaults";
import { splitSecretInputs } from "./secretInputs";
import eventHandlerProvider = require("../provider/stubs/eventHandler");

/** LwM2M telemetry: values of the given object, instance or resource paths (e.g. "/3303/0/5700", "/3303"). */
export interface TelemetryFilterArgs {
  /** Selects the telemetry filter; switching a handler to "lifecycle" updates it in place. */
  type: "telemetry";
  /**
   * The LwM2M paths to forward, at least one (1 to 4 numeric levels); order and duplicates do not matter.
   * Changing them updates the handler in place.
   */
  lwm2mUrls: pulumi.Input<pulumi.Input<string>[]>;
}

/** A device lifecycle event: created in DM, first registration, updated by a write or by FOTA, deleted. */
export type LifecycleEventType =
  | "deviceCreated"
  | "deviceFirstRegistration"
  | "deviceUpdatedViaWrite"
  | "deviceUpdatedViaFota"
  | "deviceDeleted";

/** Device lifecycle events of the given types. */
export interface LifecycleFilterArgs {
  /** Selects the lifecycle filter; switching a handler to "telemetry" updates it in place. */
  type: "lifecycle";
  /** The event types to forward, at least one; order and duplicates do not matter. Changing them updates the handler in place. */
  eventTypes: pulumi.Input<pulumi.Input<LifecycleEventType>[]>;
}

/** Which events a handler forwards, chosen by `type`; changing the filter updates the handler in place. */
export type FilterArgs = TelemetryFilterArgs | LifecycleFilterArgs;

/** Body sent instead of DM's default; `$variable`s (e.g. `$endpointName`, `$value`) are substituted. */
export interface BodyTemplateArgs {
  /**
   * "json" (the template must be valid JSON once `$variable`s are substituted; Kafka handlers take only
   * "json") or "text"; no default. Changing it updates the handler in place.
   */
  contentType: pulumi.Input<"text" | "json">;
  /** The template, 1 to 500 characters. Changing it updates the handler in place. */
  value: pulumi.Input<string>;
}

/** Sent as `Authorization: Basic <base64 of user:password>`. */
export interface BasicAuthArgs {
  /** Selects HTTP Basic authentication; changing the auth updates the handler in place. */
  type: "basic";
  /** User name, not empty. Changing it updates the handler in place. */
  user: pulumi.Input<string>;
  /** Stored as a Pulumi secret. */
  password: pulumi.Input<string>;
}
/** Sent as `Authorization: Bearer <token>`. */
export interface TokenAuthArgs {
  /** Selects bearer-token authentication; changing the auth updates the handler in place. */
  type: "token";
  /** Stored as a Pulumi secret. */
  token: pulumi.Input<string>;
}
/** Sent verbatim as the `Authorization` header, e.g. `Token <influx-token>`. */
export interface CustomAuthArgs {
  /** Selects a custom `Authorization` header; changing the auth updates the handler in place. */
  type: "customAuth";
  /** Stored as a Pulumi secret. */
  value: pulumi.Input<string>;
}

/** Where and how DM delivers a webhook handler's events; every change updates the handler in place. */
export interface WebhookConnectionConfigArgs {
  /** http(s) URL the events are sent to. */
  uri: pulumi.Input<string>;
  /** Default "post". */
  method?: pulumi.Input<"post" | "put" | "patch">;
  /** "generic" JSON (default) or InfluxDB line protocol. */
  format?: pulumi.Input<"generic" | "influxDb">;
  /** How DM authenticates to the receiver; default none. Changing it updates the handler in place. */
  auth?: pulumi.Input<BasicAuthArgs | TokenAuthArgs | CustomAuthArgs>;
  /** Up to 20 headers; `$variable`s allowed in values. `Authorization` and other reserved names are refused. */
  additionalHeaders?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Body sent instead of DM's default for the `format`; default none. Changing it updates the handler in place. */
  bodyTemplate?: pulumi.Input<BodyTemplateArgs>;
}

interface KafkaCommonArgs {
  /**
   * Kafka topic the records are produced to (letters, digits, ".", "_", "-"; 1 to 249 characters).
   * Changing it updates the handler in place.
   */
  topic: pulumi.Input<string>;
  /** Record headers; `$variable`s allowed in values. */
  headers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Record value instead of DM's default JSON (contentType must be "json"); default none. Changing it updates the handler in place. */
  bodyTemplate?: pulumi.Input<BodyTemplateArgs>;
}
/** Produce with the domain's Kafka properties (set by a DM administrator). */
export interface KafkaDomainPropertyConfigArgs extends KafkaCommonArgs {
  /** Selects the domain's Kafka properties; switching to "custom" updates the handler in place. */
  type: "domainProperty";
}
/** Produce with the given producer `.properties` text (must include `bootstrap.servers`). */
export interface KafkaCustomConfigArgs extends KafkaCommonArgs {
  /** Selects custom producer properties; switching to "domainProperty" updates the handler in place. */
  type: "custom";
  /** Stored as a Pulumi secret: it usually carries SASL credentials. */
  value: pulumi.Input<string>;
}
/**
 * A Kafka handler's `connectionConfig`, chosen by `type`, usually built by `KafkaConnection.handlerConnection()`.
 * Every change updates the handler in place.
 */
export type KafkaConnectionConfigArgs = KafkaDomainPropertyConfigArgs | KafkaCustomConfigArgs;

interface EventHandlerCommonArgs {
  /** Handler name shown in DM. */
  name: pulumi.Input<string>;
  /** Default true. DM switches a handler off after 5 consecutive delivery failures unless allowFailures. */
  enabled?: pulumi.Input<boolean>;
  /** Free text shown in DM; default none. Changing it updates the handler in place. */
  description?: pulumi.Input<string>;
  /** DM domain, e.g. "/acme/plant-1/". Defaults to coiote:domain, then to the caller's own domain. Changing it replaces the handler. */
  domain?: pulumi.Input<string>;
  /** Which events the handler forwards: telemetry paths or lifecycle event types. Changing it updates the handler in place. */
  filter: pulumi.Input<FilterArgs>;
  /** Keep the handler on after repeated delivery failures (needs elevated permission in DM). Default false. */
  allowFailures?: pulumi.Input<boolean>;
  /** Send DM's test event after every create or update and fail the step if it fails. Default true. */
  testOnApply?: pulumi.Input<boolean>;
  /**
   * Id of an existing handler to take over instead of creating one (`pulumi import` does not work for
   * dynamic resources). The next `up` makes it match this code; destroy deletes it.
   */
  adoptId?: pulumi.Input<string>;
}

/** A handler that sends each event to an HTTP(S) endpoint. */
export interface WebhookEventHandlerArgs extends EventHandlerCommonArgs {
  /** Selects a webhook handler; changing `type` replaces the handler. */
  type: "webhook";
  /** The endpoint, method, format, auth, headers and body. Changing it updates the handler in place. */
  connectionConfig: pulumi.Input<WebhookConnectionConfigArgs>;
}
/** A handler that produces each event as a record to a Kafka topic. */
export interface KafkaEventHandlerArgs extends EventHandlerCommonArgs {
  /** Selects a Kafka handler; changing `type` replaces the handler. */
  type: "kafka";
  /**
   * Topic, headers, body and producer connection, usually from `KafkaConnection.handlerConnection()`.
   * Changing it updates the handler in place.
   */
  connectionConfig: pulumi.Input<KafkaConnectionConfigArgs>;
}

/** Arguments mirror the DM API's names; `type` decides the shape of `connectionConfig`. */
export type EventHandlerArgs = WebhookEventHandlerArgs | KafkaEventHandlerArgs;

/** The result of a DM test: an EventHandler's test on apply, or a KafkaConnection's verification. */
export interface DmTestResult {
  /** Whether the test event (or record) reached the target. */
  successful: boolean;
  /** DM's message (on failure, the receiver's or the broker's reason); null when DM gave none. */
  message: string | null;
  /** ISO time of the test. */
  time: string;
}

/** The result of DM's test event, sent after a create or update when `testOnApply` is on. */
export type EventHandlerLastTest = DmTestResult;

/**
 * A Coiote DM device-event handler: forwards telemetry or lifecycle events to a webhook or a Kafka topic.
 * Most edits update the handler in place; changing `type` or `domain` replaces it.
 */
export class EventHandler extends pulumi.dynamic.Resource {
  /** "webhook" or "kafka", as given; changing it replaces the handler. */
  declare readonly type: pulumi.Output<"webhook" | "kafka">;
  /** The handler's name in DM. */
  declare readonly name: pulumi.Output<string>;
  /** Whether the handler is on; a refresh shows false once DM has switched it off after repeated failures. */
  declare readonly enabled: pulumi.Output<boolean>;
  /** The description, null when none. */
  declare readonly description: pulumi.Output<string | null>;
  /** The domain the handler lives in. */
  declare readonly domain: pulumi.Output<string>;
  /** The filter as DM keeps it, its lists sorted and without duplicates. */
  declare readonly filter: pulumi.Output<Record<string, unknown>>;
  /** The configuration without its secrets, with DM's defaults filled in. */
  declare readonly connectionConfig: pulumi.Output<Record<string, unknown>>;
  /** Whether the handler stays on after repeated delivery failures. */
  declare readonly allowFailures: pulumi.Output<boolean>;
  /** Whether every create and update sends DM's test event. */
  declare readonly testOnApply: pulumi.Output<boolean>;
  /** Result of the last test on apply (undefined when testOnApply is off). */
  declare readonly lastTest: pulumi.Output<EventHandlerLastTest | undefined>;

  constructor(name: string, args: EventHandlerArgs, opts?: pulumi.CustomResourceOptions) {
    const { config, secrets } = splitSecretInputs(args.type, args.connectionConfig);
    const filled = withDefaults(args);
    super(
      eventHandlerProvider,
      name,
      {
        type: filled.type,
        name: filled.name,
        enabled: filled.enabled,
        description: filled.description,
        domain: filled.domain,
        filter: filled.filter,
        connectionConfig: config,
        // Each secret leaf travels as its own secret, so the state keeps it encrypted even if the caller
        // passed a plain string, while the rest of the configuration stays readable in diffs.
        secrets,
        allowFailures: filled.allowFailures,
        testOnApply: filled.testOnApply,
        adoptId: filled.adoptId,
        lastTest: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "secrets"] },
      "coiote",
      "EventHandler",
    );
  }
}
