/**
 * Kafka delivery. DM hands the producer `.properties` text to a Kafka client with `retries=0` and
 * `max.block.ms=8000` appended (docs/dm-contract.md § 10); the sandbox does the same and records the
 * effective configuration. The producer itself is pluggable so the server does not depend on a broker
 * being there.
 */
export interface KafkaRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface KafkaProducerFactory {
  /** Sends one record with a producer configured by `properties`; rejects with the client's reason. */
  send(properties: Record<string, string>, record: KafkaRecord, timeoutMs: number): Promise<void>;
  close?(): Promise<void>;
}

/** Java .properties: `key=value` or `key: value`, `#`/`!` comments, backslash line continuations. */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + lines[++i]!.trimStart();
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!match) {
      result[line] = "";
      continue;
    }
    const unescape = (s: string) =>
      s.replace(/\\(.)/g, (_m, c: string) => ({ t: "\t", n: "\n", r: "\r", f: "\f" })[c] ?? c);
    result[unescape(match[1]!)] = unescape(match[2]!.trimEnd());
  }
  return result;
}

/** The configuration DM really uses: the handler's (or domain's) properties plus DM's two overrides. */
export function effectiveProducerProperties(text: string): Record<string, string> {
  return { ...parseProperties(text), retries: "0", "max.block.ms": "8000" };
}
