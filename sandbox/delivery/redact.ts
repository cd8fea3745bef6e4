/**
 * What the delivery log must never show. The log is read through an unauthenticated admin API and pasted
 * into bug reports, so every value whose name says it is secret is replaced, whatever the client or the
 * receiver would make of it: Kafka's `sasl.jaas.config`, `ssl.key.password`, `ssl.keystore.key`,
 * `basic.auth.user.info`, header values such as `X-Api-Key`. The mask is the log's existing "[redacted]".
 */
export const redacted = "[redacted]";

const secretName = /password|secret|key|jaas|user\.info|token|credential/i;

function redact(entries: Record<string, string>, leaveOut?: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries))
    if (name.toLowerCase() !== leaveOut) result[name] = secretName.test(name) ? redacted : value;
  return result;
}

/** Kafka producer properties for the log: secret values replaced, everything else kept for assertions. */
export const redactProperties = (properties: Record<string, string>) => redact(properties);

/** Headers for the log: `Authorization` left out (as before), secret-named values replaced. */
export const redactHeaders = (headers: Record<string, string>) => redact(headers, "authorization");
