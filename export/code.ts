/**
 * A tiny model of the TypeScript values the export writes, printed the way Prettier prints them with the
 * repository's settings (printWidth 110, double quotes, trailing commas), so generated files pass
 * `prettier --check` without Prettier being a runtime dependency:
 *
 * - an object is expanded (one property a line) when asked to be or when it does not fit on its line;
 *   Prettier keeps an object expanded when a newline follows its `{`, and collapses nothing;
 * - an array is flat when it fits, otherwise one element a line (Prettier breaks arrays exactly so);
 * - strings and raw expressions never break (Prettier does not break a string literal).
 */
export const printWidth = 110;

export type Code =
  | { kind: "string"; value: string }
  | { kind: "raw"; text: string }
  | { kind: "array"; items: Code[] }
  | { kind: "object"; props: Prop[]; expand: boolean };

export interface Prop {
  key: string;
  value: Code;
  /** `//` lines written above the property; they force the object open. */
  comments?: string[];
}

export const str = (value: string): Code => ({ kind: "string", value });
export const raw = (text: string): Code => ({ kind: "raw", text });
export const arr = (items: Code[]): Code => ({ kind: "array", items });
export const obj = (props: Prop[], expand = false): Code => ({ kind: "object", props, expand });
export const prop = (key: string, value: Code, comments?: string[]): Prop => ({ key, value, comments });

/**
 * A string literal: JSON.stringify's escaping (quotes, backslashes, control characters, lone surrogates),
 * in the quotes Prettier picks: double, unless the text holds more double quotes than single ones.
 */
export function literal(value: string): string {
  const json = JSON.stringify(value);
  const doubles = (value.match(/"/g) ?? []).length;
  const singles = (value.match(/'/g) ?? []).length;
  if (doubles <= singles) return json;
  // JSON's only escape of a quote is \" ; in single quotes it needs none, while ' needs one.
  const body = json.slice(1, -1).replace(/\\(.)|'/gs, (match, escaped: string | undefined) => {
    if (escaped === undefined) return "\\'";
    return escaped === '"' ? '"' : match;
  });
  return `'${body}'`;
}

/**
 * What Prettier leaves unquoted as an object key ("as-needed"): an ES5 identifier name. Anything else is
 * a string literal.
 */
const es5IdentifierName = /^[$_\p{L}\p{Nl}][$_\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u200C\u200D]*$/u;

export function propertyKey(key: string): string {
  return es5IdentifierName.test(key) ? key : literal(key);
}

/** A comment's text on one line: line breaks (U+2028/2029 end a `//` comment too) become spaces. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trimEnd();
}

/** The value on one line, or undefined when it must be expanded (comments, or asked to). */
function flat(code: Code): string | undefined {
  switch (code.kind) {
    case "string":
      return literal(code.value);
    case "raw":
      return code.text;
    case "array": {
      const items = code.items.map(flat);
      if (items.some((item) => item === undefined)) return undefined;
      return `[${items.join(", ")}]`;
    }
    case "object": {
      if (code.props.length === 0) return "{}";
      if (code.expand || code.props.some((p) => p.comments?.length)) return undefined;
      const props = code.props.map((p) => {
        const value = flat(p.value);
        return value === undefined ? undefined : `${propertyKey(p.key)}: ${value}`;
      });
      if (props.some((p) => p === undefined)) return undefined;
      return `{ ${props.join(", ")} }`;
    }
  }
}

const spaces = (n: number) => " ".repeat(n);

/** East Asian wide and fullwidth ranges, which Prettier counts as two columns. */
const wide =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** Columns a text takes as Prettier counts them: wide characters two, combining marks and controls none. */
export function width(text: string): number {
  if (/^[\u0020-\u007e]*$/.test(text)) return text.length;
  let columns = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0x300 && code <= 0x36f)) continue;
    columns += wide.test(character) ? 2 : 1;
  }
  return columns;
}

/**
 * Prettier moves a string that does not fit to the next line, indented, unless the key is shorter than
 * five columns (its "short key" rule: too little would be gained).
 */
const breaksAfterColon = (key: string, value: Code) => value.kind === "string" && width(key) >= 5;

/**
 * Prints `code` starting at column `column` (what precedes it on its line is already written) and
 * followed on its line by `suffix` (",", ");" …); nested lines are indented by `indent`.
 */
export function print(code: Code, indent: number, column: number, suffix: string): string {
  const oneLine = flat(code);
  if (oneLine !== undefined && (column + width(oneLine) + suffix.length <= printWidth || isAtom(code)))
    return oneLine;
  const inner = indent + 2;
  if (code.kind === "array") {
    const lines = code.items.map((item) => `${spaces(inner)}${print(item, inner, inner, ",")},`);
    return `[\n${lines.join("\n")}\n${spaces(indent)}]`;
  }
  if (code.kind === "object") {
    const lines: string[] = [];
    for (const p of code.props) {
      for (const comment of p.comments ?? []) lines.push(`${spaces(inner)}// ${commentText(comment)}`);
      const key = propertyKey(p.key);
      const head = `${spaces(inner)}${key}: `;
      const value = print(p.value, inner, width(head), ",");
      if (breaksAfterColon(key, p.value) && width(head) + width(value) + 1 > printWidth)
        lines.push(`${spaces(inner)}${key}:\n${spaces(inner + 2)}${value},`);
      else lines.push(`${head}${value},`);
    }
    return `{\n${lines.join("\n")}\n${spaces(indent)}}`;
  }
  return oneLine ?? "";
}

/** Strings and expressions never break; an empty array or object has nothing to break either. */
function isAtom(code: Code): boolean {
  return (
    code.kind === "string" ||
    code.kind === "raw" ||
    (code.kind === "array" && code.items.length === 0) ||
    (code.kind === "object" && code.props.length === 0)
  );
}

/** `// text` lines at an indentation, each made safe for a line comment. */
export function commentLines(lines: string[], indent = 0): string {
  return lines.map((line) => `${spaces(indent)}// ${commentText(line)}`.trimEnd()).join("\n");
}
