/**
 * What the delivery log must never show. The log is read through an unauthenticated admin API and pasted
 * into bug reports, so every value whose name says it is secret is replaced, whatever the client or the
 * receiver would make of it: Kafka's `sasl.jaas.config`, `ssl.key.password`, `ssl.keystore.key`,
 * `basic.auth.user.info`, header values such as `X-Api-Key`. The mask is the log's existing "[redacted]".
 */
export const redacted = "[redacted]";

const secretName = /password|secret|key|jaas|user\.info|token|credential/i;

export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

/** Kafka producer properties for the log: secret values replaced, everything else kept for assertions. */
export function redactProperties(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, isSecretName(key) ? redacted : value]),
  );
}

/** Headers for the log: `Authorization` left out (as before), secret-named values replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.toLowerCase() !== "authorization")
      .map(([name, value]) => [name, isSecretName(name) ? redacted : value]),
  );
}
