import * as pulumi from "@pulumi/pulumi";
import type { BodyTemplateArgs, DmTestResult, KafkaConnectionConfigArgs } from "./eventHandler";
import kafkaConnectionProvider = require("../provider/stubs/kafkaConnection");

/** Producer properties that carry credentials (ssl.key.password, basic.auth.user.info, sasl.*.secret…). */
const sensitiveProperty = /password|secret|key|jaas|user\.info|token|credential/i;

/**
 * Extra properties with the values of credential-bearing keys made secrets, so the state keeps them
 * encrypted while the others stay readable in diffs; a map given as an Output is kept secret whole.
 */
function secretSensitiveProperties(
  properties: KafkaConnectionArgs["extraProperties"],
): KafkaConnectionArgs["extraProperties"] {
  if (properties === undefined) return undefined;
  if (pulumi.Output.isInstance(properties) || typeof (properties as { then?: unknown }).then === "function")
    return pulumi.secret(properties);
  return Object.fromEntries(
    Object.entries(properties as Record<string, pulumi.Input<string>>).map(([key, value]) => [
      key,
      sensitiveProperty.test(key) ? pulumi.secret(value) : value,
    ]),
  );
}

/**
 * Arguments of a KafkaConnection: `useDomainProperties: true`, or `bootstrapServers` with the security
 * settings. Every change updates the connection in place, and the handlers that use it when the rendered
 * properties change.
 */
export interface KafkaConnectionArgs {
  /** Produce with the domain's Kafka properties (set by a DM administrator) instead of the settings below. */
  useDomainProperties?: boolean;
  /** DM domain the connection is verified in (defaults to coiote:domain / the caller's domain). */
  domain?: pulumi.Input<string>;
  /**
   * The brokers as "host:port", at least one (`bootstrap.servers`); required unless useDomainProperties.
   * Changing them updates the connection, and the handlers that use it, in place.
   */
  bootstrapServers?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How the producer talks to the brokers (default "PLAINTEXT"); the SASL ones need saslMechanism, username
   * and password. Changing it updates the connection, and the handlers that use it, in place.
   */
  securityProtocol?: pulumi.Input<"PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL">;
  /** SASL mechanism, required with SASL_PLAINTEXT or SASL_SSL and refused otherwise; no default. Changing it updates in place. */
  saslMechanism?: pulumi.Input<"PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512">;
  /** SASL user name (no line breaks), required with a SASL security protocol; no default. Changing it updates in place. */
  username?: pulumi.Input<string>;
  /** Stored as a Pulumi secret. */
  password?: pulumi.Input<string>;
  /** Further producer properties (e.g. acks, compression.type). `retries` and `max.block.ms` are refused: DM overrides them. */
  extraProperties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Have DM produce a test record with the connection on every create and update (default true). */
  verify?: pulumi.Input<boolean>;
  /** Topic for that test record (default "coiote-verify"). */
  verifyTopic?: pulumi.Input<string>;
}

/** The result of DM producing a test record to `verifyTopic` with a KafkaConnection (`verify`). */
export type KafkaVerification = DmTestResult;

/**
 * A Kafka producer connection for DM Kafka handlers: the `.properties` text (SASL credentials in a correctly
 * escaped JAAS line) or "use the domain's properties", verified through DM. Handlers take it with
 * `handlerConnection()`; changing the connection updates every such handler in place.
 */
export class KafkaConnection extends pulumi.dynamic.Resource {
  /** The rendered producer properties (secret); null with useDomainProperties. */
  declare readonly properties: pulumi.Output<string | null>;
  /** Result of the last verification, on the last create or update; null with `verify: false`. */
  declare readonly lastVerification: pulumi.Output<KafkaVerification | null>;
  /** Whether handlers produce with the domain's Kafka properties (then `handlerConnection()` gives "domainProperty"). */
  declare readonly useDomainProperties: pulumi.Output<boolean | undefined>;

  private readonly domainProperties: boolean;

  constructor(name: string, args: KafkaConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kafkaConnectionProvider,
      name,
      {
        ...args,
        password: args.password === undefined ? undefined : pulumi.secret(args.password),
        extraProperties: secretSensitiveProperties(args.extraProperties),
        properties: undefined,
        lastVerification: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "properties", "password"],
      },
      "coiote",
      "KafkaConnection",
    );
    this.domainProperties = args.useDomainProperties === true;
  }

  /** The `connectionConfig` of a Kafka EventHandler that produces to `topic` through this connection. */
  handlerConnection(target: {
    topic: pulumi.Input<string>;
    headers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    bodyTemplate?: pulumi.Input<BodyTemplateArgs>;
  }): KafkaConnectionConfigArgs {
    if (this.domainProperties) return { type: "domainProperty", ...target };
    return { type: "custom", ...target, value: this.properties.apply((p) => p ?? "") };
  }
}
