import { commentLines, literal, print } from "./code";
import type { SkippedHandler } from "./parse";
import type { ResourcePlan } from "./plan";

/** The handlers of one domain, in the order the program lists them. */
export interface DomainGroup {
  domain: string;
  plans: ResourcePlan[];
  skipped: SkippedHandler[];
}

export interface ProgramHeader {
  /** Where the handlers were read from (host only, for the comment). */
  source: string;
  /** The exported domain; with its subdomains when recursive. */
  domain: string;
  recursive: boolean;
  /** Whether any resource reads a secret from stack config. */
  usesConfig: boolean;
}

/** `const x = new EventHandler("x", { … });` with its comment lines. */
export function renderResource(plan: ResourcePlan): string {
  const head = `const ${plan.names.ident} = new ${plan.className}(${literal(plan.names.resourceName)}, `;
  return `${commentLines(plan.comments)}\n${head}${print(plan.args, 0, head.length, ");")});`;
}

/** The TODO left where a handler that could not be exported would have been. */
export function renderSkipped(skipped: SkippedHandler): string {
  const who = [
    skipped.name !== undefined ? JSON.stringify(skipped.name) : "a handler",
    skipped.id ? `(${skipped.id})` : "",
  ].filter(Boolean);
  return commentLines([
    `TODO: ${who.join(" ")} in ${skipped.domain} was not exported: ${skipped.reason}.`,
    "Declare it by hand, or leave it to DM's UI.",
  ]);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The whole index.ts. */
export function renderProgram(header: ProgramHeader, groups: DomainGroup[]): string {
  const plans = groups.flatMap((group) => group.plans);
  const classes = [...new Set(plans.map((plan) => plan.className))].sort();
  const usesConfig = header.usesConfig;
  const scope = header.recursive ? `${header.domain} and its subdomains` : header.domain;
  const parts: string[] = [
    [
      commentLines([
        `Coiote DM event handlers of ${scope}, exported by coiote-export from ${header.source}.`,
        "Each one carries adoptId: the first `pulumi up` takes over the handler as it is, without a write to DM,",
        "and testOnApply: false, since DM's test event is a write too (remove it to have DM test after each change).",
        ...(usesConfig
          ? ["Secrets DM does not reveal come from stack config: run ./set-secrets.sh first."]
          : []),
      ]),
      ...(usesConfig ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
      ...(classes.length ? [`import { ${classes.join(", ")} } from "pulumi-coiote";`] : []),
    ].join("\n"),
  ];
  if (usesConfig) parts.push("const config = new pulumi.Config();");
  for (const group of groups) {
    const count = group.plans.length + group.skipped.length;
    const skippedNote = group.skipped.length ? `, ${group.skipped.length} not exported` : "";
    parts.push(
      commentLines([
        `Domain ${group.domain}: ${count ? plural(count, "handler") : "no handlers"}${skippedNote}`,
      ]),
    );
    for (const plan of group.plans) parts.push(renderResource(plan));
    for (const skipped of group.skipped) parts.push(renderSkipped(skipped));
  }
  if (plans.length) {
    const entries = plans.map((plan) => `  ${plan.names.ident}: ${plan.idExpression},`);
    parts.push(
      `// The DM id of every handler, by resource.\nexport const handlerIds = {\n${entries.join("\n")}\n};`,
    );
  }
  return `${parts.join("\n\n")}\n`;
}
