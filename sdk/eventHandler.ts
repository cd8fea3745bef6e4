import * as pulumi from "@pulumi/pulumi";
import { splitSecretInputs } from "./secretInputs";
import { providerFor } from "./stub";

/** LwM2M telemetry: values of the given object, instance or resource paths (e.g. "/3303/0/5700", "/3303"). */
export interface TelemetryFilterArgs {
  type: "telemetry";
  lwm2mUrls: pulumi.Input<pulumi.Input<string>[]>;
}

export type LifecycleEventType =
  | "deviceCreated"
  | "deviceFirstRegistration"
  | "deviceUpdatedViaWrite"
  | "deviceUpdatedViaFota"
  | "deviceDeleted";

/** Device lifecycle events of the given types. */
export interface LifecycleFilterArgs {
  type: "lifecycle";
  eventTypes: pulumi.Input<pulumi.Input<LifecycleEventType>[]>;
}

export type FilterArgs = TelemetryFilterArgs | LifecycleFilterArgs;

/** Body sent instead of DM's default; `$variable`s (e.g. `$endpointName`, `$value`) are substituted. */
export interface BodyTemplateArgs {
  contentType: pulumi.Input<"text" | "json">;
  value: pulumi.Input<string>;
}

export interface BasicAuthArgs {
  type: "basic";
  user: pulumi.Input<string>;
  /** Stored as a Pulumi secret. */
  password: pulumi.Input<string>;
}
/** Sent as `Authorization: Bearer <token>`. */
export interface TokenAuthArgs {
  type: "token";
  /** Stored as a Pulumi secret. */
  token: pulumi.Input<string>;
}
/** Sent verbatim as the `Authorization` header, e.g. `Token <influx-token>`. */
export interface CustomAuthArgs {
  type: "customAuth";
  /** Stored as a Pulumi secret. */
  value: pulumi.Input<string>;
}

export interface WebhookConnectionConfigArgs {
  /** http(s) URL the events are sent to. */
  uri: pulumi.Input<string>;
  /** Default "post". */
  method?: pulumi.Input<"post" | "put" | "patch">;
  /** "generic" JSON (default) or InfluxDB line protocol. */
  format?: pulumi.Input<"generic" | "influxDb">;
  auth?: pulumi.Input<BasicAuthArgs | TokenAuthArgs | CustomAuthArgs>;
  /** Up to 20 headers; `$variable`s allowed in values. `Authorization` and other reserved names are refused. */
  additionalHeaders?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  bodyTemplate?: pulumi.Input<BodyTemplateArgs>;
}

interface KafkaCommonArgs {
  topic: pulumi.Input<string>;
  /** Record headers; `$variable`s allowed in values. */
  headers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  bodyTemplate?: pulumi.Input<BodyTemplateArgs>;
}
/** Produce with the domain's Kafka properties (set by a DM administrator). */
export interface KafkaDomainPropertyConfigArgs extends KafkaCommonArgs {
  type: "domainProperty";
}
/** Produce with the given producer `.properties` text (must include `bootstrap.servers`). */
export interface KafkaCustomConfigArgs extends KafkaCommonArgs {
  type: "custom";
  /** Stored as a Pulumi secret: it usually carries SASL credentials. */
  value: pulumi.Input<string>;
}
export type KafkaConnectionConfigArgs = KafkaDomainPropertyConfigArgs | KafkaCustomConfigArgs;

interface EventHandlerCommonArgs {
  /** Handler name shown in DM. */
  name: pulumi.Input<string>;
  /** Default true. DM switches a handler off after 5 consecutive delivery failures unless allowFailures. */
  enabled?: pulumi.Input<boolean>;
  description?: pulumi.Input<string>;
  /** DM domain, e.g. "/acme/plant-1/". Defaults to coiote:domain, then to the caller's own domain. Changing it replaces the handler. */
  domain?: pulumi.Input<string>;
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

export interface WebhookEventHandlerArgs extends EventHandlerCommonArgs {
  type: "webhook";
  connectionConfig: pulumi.Input<WebhookConnectionConfigArgs>;
}
export interface KafkaEventHandlerArgs extends EventHandlerCommonArgs {
  type: "kafka";
  connectionConfig: pulumi.Input<KafkaConnectionConfigArgs>;
}

/** Arguments mirror the DM API's names; `type` decides the shape of `connectionConfig`. */
export type EventHandlerArgs = WebhookEventHandlerArgs | KafkaEventHandlerArgs;

export interface EventHandlerLastTest {
  successful: boolean;
  message: string | null;
  /** ISO time of the test. */
  time: string;
}

const eventHandlerProvider = providerFor("EventHandler");

/**
 * A Coiote DM device-event handler: forwards telemetry or lifecycle events to a webhook or a Kafka topic.
 * Most edits update the handler in place; changing `type` or `domain` replaces it.
 */
export class EventHandler extends pulumi.dynamic.Resource {
  declare readonly type: pulumi.Output<"webhook" | "kafka">;
  declare readonly name: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly description: pulumi.Output<string | null>;
  /** The domain the handler lives in. */
  declare readonly domain: pulumi.Output<string>;
  declare readonly filter: pulumi.Output<Record<string, unknown>>;
  /** The configuration without its secrets, with DM's defaults filled in. */
  declare readonly connectionConfig: pulumi.Output<Record<string, unknown>>;
  declare readonly allowFailures: pulumi.Output<boolean>;
  declare readonly testOnApply: pulumi.Output<boolean>;
  /** Result of the last test on apply (undefined when testOnApply is off). */
  declare readonly lastTest: pulumi.Output<EventHandlerLastTest | undefined>;

  constructor(name: string, args: EventHandlerArgs, opts?: pulumi.CustomResourceOptions) {
    const { config, secrets } = splitSecretInputs(args.type, args.connectionConfig);
    super(
      eventHandlerProvider,
      name,
      {
        type: args.type,
        name: args.name,
        enabled: args.enabled ?? true,
        description: args.description ?? null,
        domain: args.domain,
        filter: args.filter,
        connectionConfig: config,
        // Each secret leaf travels as its own secret, so the state keeps it encrypted even if the caller
        // passed a plain string, while the rest of the configuration stays readable in diffs.
        secrets,
        allowFailures: args.allowFailures ?? false,
        testOnApply: args.testOnApply ?? true,
        adoptId: args.adoptId,
        lastTest: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "secrets"] },
      "coiote",
      "EventHandler",
    );
  }
}
