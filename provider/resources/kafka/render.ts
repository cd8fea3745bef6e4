/**
 * Renders a Kafka producer connection as the `.properties` text DM takes, with the SASL credentials in a
 * correctly escaped `sasl.jaas.config` line, and says what is wrong with a connection before any call.
 */
export interface KafkaConnectionSpec {
  useDomainProperties?: boolean;
  bootstrapServers?: string[];
  securityProtocol?: "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";
  saslMechanism?: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  username?: string;
  password?: string;
  extraProperties?: Record<string, string>;
}

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

export function validateKafkaConnection(
  spec: KafkaConnectionSpec,
): Array<{ property: string; reason: string }> {
  const failures: Array<{ property: string; reason: string }> = [];
  if (spec.useDomainProperties) {
    for (const key of [
      "bootstrapServers",
      "securityProtocol",
      "saslMechanism",
      "username",
      "password",
      "extraProperties",
    ] as const) {
      if (spec[key] !== undefined)
        failures.push({
          property: key,
          reason: "cannot be set with useDomainProperties: the domain's Kafka properties apply",
        });
    }
    return failures;
  }
  if (!spec.bootstrapServers?.length)
    failures.push({ property: "bootstrapServers", reason: "must list at least one host:port" });
  spec.bootstrapServers?.forEach((server, i) => {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(server))
      failures.push({ property: `bootstrapServers[${i}]`, reason: `"${server}" is not host:port` });
  });
  const protocol = spec.securityProtocol ?? "PLAINTEXT";
  if (!["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(protocol)) {
    failures.push({
      property: "securityProtocol",
      reason: "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
    });
  }
  const sasl = protocol.startsWith("SASL_");
  if (sasl) {
    if (!spec.saslMechanism || !(spec.saslMechanism in loginModules)) {
      failures.push({
        property: "saslMechanism",
        reason: "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with a SASL security protocol",
      });
    }
    if (!spec.username)
      failures.push({ property: "username", reason: "is required with a SASL security protocol" });
    if (!spec.password)
      failures.push({ property: "password", reason: "is required with a SASL security protocol" });
  } else {
    for (const key of ["saslMechanism", "username", "password"] as const) {
      if (spec[key] !== undefined)
        failures.push({
          property: key,
          reason: `only applies with securityProtocol SASL_PLAINTEXT or SASL_SSL`,
        });
    }
  }
  for (const key of ["username", "password"] as const) {
    if (spec[key] && /[\r\n]/.test(spec[key]!))
      failures.push({ property: key, reason: "must not contain line breaks" });
  }
  for (const [key, value] of Object.entries(spec.extraProperties ?? {})) {
    const property = `extraProperties["${key}"]`;
    if (overriddenByDm.includes(key))
      failures.push({
        property,
        reason: `DM sets ${key} itself (retries=0, max.block.ms=8000) and overrides any value`,
      });
    else if (ownedByArgs.includes(key))
      failures.push({ property, reason: `${key} comes from the typed arguments; set those instead` });
    else if (!/^[A-Za-z0-9._-]+$/.test(key))
      failures.push({ property, reason: "is not a valid Kafka property name" });
    else if (/[\r\n]/.test(value)) failures.push({ property, reason: "must not contain line breaks" });
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
