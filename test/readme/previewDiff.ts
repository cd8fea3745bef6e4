/**
 * Reads `pulumi preview --diff` text the way a reviewer reads it: per resource that changes, its operation
 * and the top-level properties its diff shows. (The CLI's text, not the event stream: this is what a user
 * sees in a terminal or a pull-request comment.)
 */
export type ChangedProperties = Record<string, { op: string; properties: string[] }>;

const header = /^\s*(\+-|\+\+|--|[~+-])\s*([\w:/.-]+): \(([\w-]+)\)\s*$/;
const urnLine = /^\s*\[urn=(.+)\]\s*$/;
const property = /^(\s*)([~+-])\s+("[^"]+"|[\w$.-]+)\s*:/;
const asReplace: Record<string, string> = { "create-replacement": "replace", "delete-replaced": "replace" };

export function changedProperties(text: string): ChangedProperties {
  const result: ChangedProperties = {};
  let current: { type: string; op: string; name?: string; indent?: number } | undefined;
  for (const line of text.split("\n")) {
    if (/^(Outputs|Resources|Diagnostics):/.test(line.trim())) {
      current = undefined;
      continue;
    }
    const head = header.exec(line);
    if (head) {
      current = { type: head[2]!, op: asReplace[head[3]!] ?? head[3]! };
      continue;
    }
    if (!current) continue;
    const urn = urnLine.exec(line);
    if (urn) {
      current.name = urn[1]!.split("::").pop()!;
      continue;
    }
    const match = property.exec(line);
    if (!match || !current.name || current.op === "same" || current.type === "pulumi:pulumi:Stack") continue;
    const indent = match[1]!.length;
    current.indent ??= indent;
    if (indent !== current.indent) continue; // a nested line of a property already counted
    const entry = (result[current.name] ??= { op: current.op, properties: [] });
    const name = match[3]!.replace(/^"|"$/g, "");
    if (!entry.properties.includes(name)) entry.properties.push(name);
    entry.properties.sort();
  }
  return result;
}
