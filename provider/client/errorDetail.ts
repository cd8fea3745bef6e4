import { errorBodyParts } from "../schemas";
import { redact } from "./redact";

/**
 * How much of a response body an error message shows. A proxy's or load balancer's error page can be
 * megabytes of HTML; the engine prints the whole message, so only its start, which says what happened,
 * is kept.
 */
export const errorBodyLimit = 2_000;

/** Text cut to `limit` characters, with a note of how much was left out. */
export function capText(text: string, limit = errorBodyLimit): string {
  if (text.length <= limit) return text;
  // Never split a surrogate pair: half a character prints as garbage.
  const end = /[\uD800-\uDBFF]/.test(text[limit - 1]!) ? limit - 1 : limit;
  return `${text.slice(0, end)}… [${(text.length - end).toLocaleString("en-US")} more characters cut]`;
}

/**
 * "HTTP 500, code 5000: <message>" for DM's JSON error, "HTTP 502: <page>" for any other text. The body
 * part is redacted before it is cut, so no fragment of a secret survives at the edge of the cut.
 */
export function describeDmError(status: number, body: unknown, secrets: Array<string | undefined>): string {
  const dm = errorBodyParts(body);
  const parts = [`HTTP ${status}`];
  if (typeof dm.code === "number") parts.push(`code ${dm.code}`);
  // An HTML page's line breaks and indentation would spread one error over many lines of output.
  const text =
    typeof dm.message === "string"
      ? dm.message
      : typeof body === "string"
        ? body.replace(/\s+/g, " ").trim()
        : "";
  return text ? `${parts.join(", ")}: ${capText(redact(text, secrets))}` : parts.join(", ");
}
