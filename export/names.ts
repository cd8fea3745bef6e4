/**
 * Names of the generated resources: a TypeScript identifier (`temperatureAlerts`) and a Pulumi resource
 * name (`temperature-alerts`) from each handler's DM name. They are readable (ASCII words of the name,
 * accents dropped), unique in the program, and stable across runs: handlers whose names collide are
 * ordered by creation time (then id), the oldest keeps the plain name and the others get -2, -3 …, so a
 * handler added later never renames an existing resource.
 */

/** Longest base a name may have before a dedupe suffix, so the `const x = new Resource("x", {` line fits. */
const maxBaseLength = 30;

/** Words the program uses itself, and those no `const` may take. */
const taken = new Set([
  // the program's own names
  "pulumi",
  "config",
  "EventHandler",
  "InfluxBucketIntegration",
  "handlerIds",
  // reserved words, strict-mode reserved words and globals a const would shadow confusingly
  ...`break case catch class const continue debugger default delete do else enum export extends false
  finally for function if import in instanceof new null return super switch this throw true try typeof var
  void while with implements interface let package private protected public static yield await arguments
  eval undefined NaN Infinity require module exports process console globalThis Object Array String
  Number Boolean Symbol Promise Error JSON Math Date`.split(/\s+/),
]);

/** Letters that NFKD does not take apart into a base letter and an accent. */
const transliterations: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "Ae",
  ø: "o",
  Ø: "O",
  œ: "oe",
  Œ: "Oe",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  þ: "th",
  Þ: "Th",
  ı: "i",
};

/** The lowercase ASCII words of a name: "Température ½ d'Øst" → ["temperature", "1", "2", "d", "ost"]. */
export function words(name: string): string[] {
  const ascii = name
    .replace(/[ßæÆøØœŒłŁđĐþÞı]/g, (letter) => transliterations[letter] ?? letter)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "");
  // camelCase and digit runs split too: "tempAlerts2" → temp, alerts, 2
  const spaced = ascii
    .replace(/(?<=[a-z])(?=[A-Z])/g, " ")
    .replace(/(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/g, " ");
  return (spaced.match(/[A-Za-z0-9]+/g) ?? []).map((word) => word.toLowerCase());
}

export interface ResourceNames {
  /** A TypeScript identifier: `temperatureAlerts`. */
  ident: string;
  /** The Pulumi resource name: `temperature-alerts`. */
  resourceName: string;
}

/** Words up to the length budget (a first word longer than it is cut). */
function fitted(list: string[]): string[] {
  const kept: string[] = [];
  let length = 0;
  for (const word of list) {
    const next = length + (kept.length ? 1 : 0) + word.length;
    if (next > maxBaseLength) {
      if (kept.length === 0) kept.push(word.slice(0, maxBaseLength));
      break;
    }
    kept.push(word);
    length = next;
  }
  return kept;
}

/** The names a handler would get if nothing collided with it. */
export function baseNames(name: string, fallback: string): ResourceNames {
  let list = fitted(words(name));
  if (list.length === 0 || /^\d/.test(list[0]!)) list = fitted([...words(fallback), ...list]);
  const ident = list.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join("");
  if (taken.has(ident)) return { ident: `${ident}Handler`, resourceName: `${list.join("-")}-handler` };
  return { ident, resourceName: list.join("-") };
}

export interface Nameable {
  id: string;
  name: string;
  /** What a name without any ASCII word falls back to, e.g. "webhook handler". */
  fallback: string;
  createdAt?: string;
}

/** Unique names for every handler, keyed by id (see the file comment for the rules). */
export function assignNames(handlers: Nameable[]): Map<string, ResourceNames> {
  const groups = new Map<string, Array<{ handler: Nameable; base: ResourceNames }>>();
  for (const handler of handlers) {
    const base = baseNames(handler.name, handler.fallback);
    const group = groups.get(base.ident) ?? [];
    group.push({ handler, base });
    groups.set(base.ident, group);
  }
  const usedIdents = new Set<string>(groups.keys());
  const usedNames = new Set<string>([...groups.values()].map((group) => group[0]!.base.resourceName));
  const result = new Map<string, ResourceNames>();
  for (const [, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    group.sort(
      (a, b) =>
        compare(a.handler.createdAt ?? "", b.handler.createdAt ?? "") || compare(a.handler.id, b.handler.id),
    );
    const [first, ...rest] = group;
    result.set(first!.handler.id, first!.base);
    for (const { handler, base } of rest) {
      const separator = /\d$/.test(base.ident) ? "_" : "";
      let n = 2;
      while (usedIdents.has(`${base.ident}${separator}${n}`) || usedNames.has(`${base.resourceName}-${n}`))
        n++;
      const names = { ident: `${base.ident}${separator}${n}`, resourceName: `${base.resourceName}-${n}` };
      usedIdents.add(names.ident);
      usedNames.add(names.resourceName);
      result.set(handler.id, names);
    }
  }
  return result;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A Pulumi project name from a domain: "/acme/plant-1/" → "coiote-acme-plant-1". */
export function projectNameFor(domain: string | undefined): string {
  const list = words(domain ?? "");
  return list.length ? `coiote-${list.join("-")}`.slice(0, 100) : "coiote-handlers";
}

/** An environment variable for a config key: "alertsPassword" → "ALERTS_PASSWORD". */
export function envVarFor(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}
