/**
 * Removes secret values from text that may reach a log line, an error message or the engine's output.
 * Error bodies from a server can echo what was sent, so every message built from a response passes here.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; they are not worth protecting this way.
    if (secret && secret.length >= 4) result = result.split(secret).join("[secret]");
  }
  return result;
}
