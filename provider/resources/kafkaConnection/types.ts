import type { TestOutcome } from "../../schemas";

/** A producer connection as the user describes it (rendered to `.properties` by render.ts). */
export interface KafkaConnectionSpec {
  useDomainProperties?: boolean;
  bootstrapServers?: string[];
  securityProtocol?: "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";
  saslMechanism?: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  username?: string;
  password?: string;
  extraProperties?: Record<string, string>;
}

/** The fields that describe a producer connection of its own (none of them goes with useDomainProperties). */
export const producerFields = [
  "bootstrapServers",
  "securityProtocol",
  "saslMechanism",
  "username",
  "password",
  "extraProperties",
] as const;

/**
 * A Kafka producer connection for DM's Kafka handlers. DM has no API for it (docs/dm-contract.md § 7), so it
 * lives in the stack: rendered to `.properties`, and verified through DM's test of a new Kafka handler.
 */
export interface ConnectionState extends KafkaConnectionSpec {
  domain?: string;
  verify: boolean;
  verifyTopic: string;
  /** Outputs: the rendered text (secret) and the last verification. */
  properties?: string | null;
  lastVerification?: TestOutcome | null;
}
