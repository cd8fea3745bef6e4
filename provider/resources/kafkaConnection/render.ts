/*
 * Renders a Kafka producer connection as the `.properties` text DM takes, with the SASL credentials in a
 * correctly escaped `sasl.jaas.config` line, and says what is wrong with a connection before any call.
 */
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "../../canonical";
import { failureAt, type PropertyPath } from "../../checkFailures";
import { type KafkaConnectionSpec, producerFields } from "./types";

const loginModules = {
  PLAIN: "org.apache.kafka.common.security.plain.PlainLoginModule",
  "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
  "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
} as const;

/** Keys DM sets itself (it appends them to every producer config) or that the typed arguments own. */
const overriddenByDm = ["retries", "max.block.ms"];
const ownedByArgs = ["bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config"];

/** JAAS quotes values with "…" and escapes `"` and `\` inside them. */
const jaasQuote = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** .properties values: a backslash starts an escape, so it must be doubled; line breaks cannot appear. */
const propertiesValue = (value: string) => value.replace(/\\/g, "\\\\");

/** A value known now (during preview any input may be the engine's unknown placeholder). */
const known = <T>(value: T): value is Exclude<T, undefined> => value !== undefined && !containsUnknown(value);

/**
 * What is wrong with a connection, property by property, judged on what is known: a check that needs a
 * value not known until apply (say, the security protocol) is left to the `up` that knows it.
 * The password never appears in a message, and is reported so that the engine does not print it either.
 */
export function validateKafkaConnection(spec: KafkaConnectionSpec): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (path: PropertyPath, reason: string, value?: unknown) =>
    failures.push(
      failureAt(path, reason, { value, secret: path[0] === "password" || path[0] === "extraProperties" }),
    );
  if (spec.useDomainProperties) {
    for (const key of producerFields) {
      if (spec[key] !== undefined)
        fail([key], "cannot be set with useDomainProperties: the domain's Kafka properties apply");
    }
    return failures;
  }
  const servers = spec.bootstrapServers;
  if (servers === undefined || (Array.isArray(servers) && servers.length === 0))
    fail(["bootstrapServers"], "must list at least one host:port");
  else if (Array.isArray(servers))
    servers.forEach((server, i) => {
      if (known(server) && (typeof server !== "string" || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(server)))
        fail(["bootstrapServers", i], "is not host:port", server);
    });
  else if (known(servers)) fail(["bootstrapServers"], "must list at least one host:port");
  const protocol = spec.securityProtocol ?? "PLAINTEXT";
  if (known(protocol) && !["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(protocol)) {
    fail(["securityProtocol"], "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
  }
  if (known(protocol) && protocol.startsWith("SASL_")) {
    const mechanism = spec.saslMechanism;
    if (mechanism === undefined || (known(mechanism) && !(mechanism in loginModules))) {
      fail(["saslMechanism"], "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with a SASL security protocol");
    }
    if (spec.username === undefined || spec.username === "")
      fail(["username"], "is required with a SASL security protocol");
    if (spec.password === undefined || spec.password === "")
      fail(["password"], "is required with a SASL security protocol");
  } else if (known(protocol)) {
    for (const key of ["saslMechanism", "username", "password"] as const) {
      if (spec[key] !== undefined)
        fail([key], "only applies with securityProtocol SASL_PLAINTEXT or SASL_SSL");
    }
  }
  for (const key of ["username", "password"] as const) {
    const value = spec[key];
    if (known(value) && /[\r\n]/.test(value)) fail([key], "must not contain line breaks");
  }
  const extra = spec.extraProperties;
  if (known(extra) && (typeof extra !== "object" || extra === null || Array.isArray(extra))) {
    fail(["extraProperties"], "must be a map of property names to string values");
    return failures;
  }
  for (const [key, value] of Object.entries(extra ?? {})) {
    const path = ["extraProperties", key];
    if (overriddenByDm.includes(key))
      fail(path, `DM sets ${key} itself (retries=0, max.block.ms=8000) and overrides any value`);
    else if (ownedByArgs.includes(key))
      fail(path, `${key} comes from the typed arguments; set those instead`);
    else if (!/^[A-Za-z0-9._-]+$/.test(key)) fail(path, "is not a valid Kafka property name");
    else if (known(value) && typeof value !== "string") fail(path, "must be a string");
    else if (known(value) && /[\r\n]/.test(value)) fail(path, "must not contain line breaks");
  }
  return failures;
}

/** The `.properties` text for a custom producer connection (not used with useDomainProperties). */
export function renderProperties(spec: KafkaConnectionSpec): string {
  const protocol = spec.securityProtocol ?? "PLAINTEXT";
  const lines = [`bootstrap.servers=${spec.bootstrapServers!.join(",")}`, `security.protocol=${protocol}`];
  if (protocol.startsWith("SASL_")) {
    const mechanism = spec.saslMechanism!;
    lines.push(`sasl.mechanism=${mechanism}`);
    const jaas = `${loginModules[mechanism]} required username=${jaasQuote(spec.username!)} password=${jaasQuote(spec.password!)};`;
    lines.push(`sasl.jaas.config=${propertiesValue(jaas)}`);
  }
  for (const [key, value] of Object.entries(spec.extraProperties ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    lines.push(`${key}=${propertiesValue(value)}`);
  }
  return `${lines.join("\n")}\n`;
}
