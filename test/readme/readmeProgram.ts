import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../support/repoRoot";

/**
 * A Pulumi program made of nothing but the README's TypeScript snippets, in the README's order, as a new
 * user would paste them into one index.ts: the imports merged, the rest as written. `substitutions` are
 * the few literal values a test environment must change (each one declared by the test that uses it).
 */
export function readmeSnippets(): string[] {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

export function composeProgram(snippets: string[], substitutions: Array<[string, string]> = []): string {
  const named = new Map<string, Set<string>>();
  const namespaces = new Map<string, string>();
  const body: string[] = [];
  for (const snippet of snippets) {
    for (const line of snippet.split("\n")) {
      const star = /^import \* as (\w+) from "([^"]+)";$/.exec(line);
      const braces = /^import \{([^}]*)\} from "([^"]+)";$/.exec(line);
      if (star) namespaces.set(star[2]!, star[1]!);
      else if (braces) {
        const names = named.get(braces[2]!) ?? new Set<string>();
        for (const name of braces[1]!.split(",")) if (name.trim()) names.add(name.trim());
        named.set(braces[2]!, names);
      } else body.push(line);
    }
  }
  const imports = [
    ...[...namespaces].map(([module, alias]) => `import * as ${alias} from "${module}";`),
    ...[...named].map(([module, names]) => `import { ${[...names].join(", ")} } from "${module}";`),
  ];
  let text = `${imports.join("\n")}\n${body.join("\n")}`;
  for (const [from, to] of substitutions) {
    if (!text.includes(from))
      throw new Error(`the README snippets no longer contain ${JSON.stringify(from)}`);
    text = text.split(from).join(to);
  }
  return text;
}

/** Writes the program as a project folder (Pulumi.yaml, package.json, index.ts) and returns the folder. */
export function writeProject(folder: string, program: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "Pulumi.yaml"), "name: readme-snippets\nruntime: nodejs\n");
  writeFileSync(
    path.join(folder, "package.json"),
    JSON.stringify({ name: "readme-snippets", private: true, main: "index.ts" }, null, 2),
  );
  writeFileSync(path.join(folder, "index.ts"), program);
  return folder;
}
