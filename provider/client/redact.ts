/**
 * Removes secret values from text that may reach a log line, an error message or the engine's output.
 * Error bodies from a server can echo what was sent, and not always as sent: inside a JSON string (once
 * or twice escaped), URL- or form-encoded (once or twice), or HTML-escaped. Each character of a secret is
 * therefore matched in any of those spellings, so every message built from a response passes here.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; they are not worth protecting this way.
    if (secret && secret.length >= 4) result = result.replace(secretPattern(secret), "[secret]");
  }
  return result;
}

const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** A hex number matched in either case: "2f" becomes "2[fF]". */
const anyCaseHex = (value: number, width: number) =>
  value
    .toString(16)
    .padStart(width, "0")
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);

/**
 * Characters JSON escapes with a backslash; each escaping round doubles the backslashes before them.
 * Repetitions are bounded (three rounds of escaping or encoding), which also keeps the match linear on a
 * long run of backslashes or percent signs.
 */
const backslashEscaped = new Set(['"', "\\", "/"]);

function characterPattern(char: string): string {
  const spellings: string[] = [];
  const code = char.codePointAt(0)!;
  if (char === "\\") spellings.push("\\\\{1,8}");
  else if (backslashEscaped.has(char)) spellings.push(`\\\\{0,7}${regexEscape(char)}`);
  else spellings.push(regexEscape(char));
  // JSON's \uXXXX, one per UTF-16 unit, with the backslash itself possibly escaped again.
  spellings.push(
    unitsOf(char)
      .map((unit) => `\\\\{1,8}u${anyCaseHex(unit, 4)}`)
      .join(""),
  );
  // Percent-encoding of each UTF-8 byte; "%25" is what a second round makes of "%".
  const bytes = [...new TextEncoder().encode(char)];
  spellings.push(bytes.map((byte) => `%(?:25){0,2}${anyCaseHex(byte, 2)}`).join(""));
  if (char === " ") spellings.push("\\+");
  // HTML character references, decimal or hex, and the named ones for the characters HTML must escape.
  spellings.push(`&#0{0,6}${code};`, `&#[xX]0{0,6}${anyCaseHex(code, 1)};`);
  const named = htmlNames[char];
  if (named) spellings.push(`&${named};`);
  return `(?:${spellings.join("|")})`;
}

const htmlNames: Record<string, string> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" };

function unitsOf(char: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < char.length; i++) units.push(char.charCodeAt(i));
  return units;
}

function secretPattern(secret: string): RegExp {
  return new RegExp([...secret].map(characterPattern).join(""), "g");
}
