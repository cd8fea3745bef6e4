import { type PackageManifest, packageManifest } from "../provider/packageInfo";

/** One file of the generated project, relative to its folder. */
export interface ProjectFile {
  path: string;
  content: string;
  /** 0o755 for scripts. */
  mode?: number;
}

type OwnManifest = Pick<PackageManifest, "version" | "dependencies" | "devDependencies">;

/**
 * JSON as Prettier prints it: objects one member a line, arrays on one line when they fit (the files the
 * export writes hold only short ones).
 */
export function formatJson(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent + 2);
  if (Array.isArray(value)) return `[${value.map((item) => formatJson(item, indent)).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const lines = entries.map(
      ([key, item]) => `${pad}${JSON.stringify(key)}: ${formatJson(item, indent + 2)}`,
    );
    return `{\n${lines.join(",\n")}\n${" ".repeat(indent)}}`;
  }
  return JSON.stringify(value);
}

export interface ProjectDescription {
  projectName: string;
  /** The dependency spec of pulumi-coiote: a version range, a tarball path, `file:…`. */
  packageSpec: string;
  domain: string;
  recursive: boolean;
  source: string;
  handlerCount: number;
  domainCount: number;
  secretCount: number;
  /** Handlers that could not be exported (a TODO in index.ts each). */
  skippedCount: number;
  /** InfluxBucketIntegrations emitted (--influx-as-integration). */
  integrationCount: number;
  program: string;
  setSecrets: string;
}

function readme(d: ProjectDescription): string {
  const scope = d.recursive ? `\`${d.domain}\` and its subdomains` : `\`${d.domain}\``;
  const counts = `${d.handlerCount} handler${d.handlerCount === 1 ? "" : "s"} in ${d.domainCount} domain${d.domainCount === 1 ? "" : "s"}`;
  const secretsStep =
    d.secretCount > 0
      ? `./set-secrets.sh       # the ${d.secretCount} secret${d.secretCount === 1 ? "" : "s"} DM does not reveal (asks, or reads the variables it names)\n`
      : "";
  const notes = [
    "- Each `EventHandler` carries `adoptId`: its first `pulumi up` takes over the existing handler (the\n  preview calls it a create) and writes to DM only where the code differs from what DM has. Keep\n  `adoptId` afterwards; it is only used when the resource is first created.",
    "- `testOnApply: false` on every handler: DM's test event is a write, and adopting needs none. Remove it\n  to have DM test a handler after each change.",
    "- Secrets come from stack config (`config.requireSecret`), one key per secret; `set-secrets.sh` lists\n  each key with the handler and field it belongs to. Header values are written as DM returns them, in\n  clear: a comment marks the ones whose name suggests a secret.",
    ...(d.integrationCount > 0
      ? [
          "- InfluxDB webhooks are `InfluxBucketIntegration`s (`--influx-as-integration`). An integration makes\n  a handler of its own: after the first `pulumi up`, delete the old handler in DM (its id is in the\n  comment above the resource).",
        ]
      : []),
    ...(d.skippedCount > 0
      ? [
          `- ${d.skippedCount} handler${d.skippedCount === 1 ? " was" : "s were"} not exported: look for \`TODO\` in \`index.ts\`.`,
        ]
      : []),
  ];
  return `# ${d.projectName}

The Coiote DM event handlers of ${scope} (${counts}) as a Pulumi program, exported by
\`coiote-export\` from ${d.source}.

## First run

\`\`\`bash
npm install
pulumi stack init dev
pulumi config set coiote:url ${d.source}
pulumi config set --secret coiote:token "$DM_TOKEN"   # or coiote:username and --secret coiote:password
${secretsStep}pulumi up --yes           # adopts every handler: no DM write when nothing differs
pulumi preview --expect-no-changes
\`\`\`

## Notes

${notes.join("\n")}
`;
}

/** Every file of the project, its program and set-secrets.sh included. */
export function projectFiles(
  d: ProjectDescription,
  manifest: OwnManifest = packageManifest(),
): ProjectFile[] {
  const dev = manifest.devDependencies ?? {};
  const packageJson = {
    name: d.projectName,
    private: true,
    main: "index.ts",
    scripts: { typecheck: "tsc --noEmit", "set-secrets": "bash set-secrets.sh" },
    dependencies: {
      "@pulumi/pulumi": manifest.dependencies?.["@pulumi/pulumi"] ?? "^3",
      "pulumi-coiote": d.packageSpec,
    },
    devDependencies: {
      "@types/node": "^22",
      "ts-node": dev["ts-node"] ?? "^10.9.2",
      typescript: dev.typescript ?? "~5.9",
    },
  };
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: "es2022",
      module: "commonjs",
      moduleResolution: "node",
      esModuleInterop: true,
      skipLibCheck: true,
      noUnusedLocals: true,
      outDir: "bin",
      sourceMap: true,
    },
    files: ["index.ts"],
  };
  const description = `Coiote DM event handlers of ${d.domain}${d.recursive ? " and its subdomains" : ""}, exported by coiote-export`;
  const pulumiYaml = `name: ${d.projectName}
description: ${JSON.stringify(description)}
runtime:
  name: nodejs
  options:
    packagemanager: npm
`;
  return [
    { path: "index.ts", content: d.program },
    { path: "Pulumi.yaml", content: pulumiYaml },
    { path: "package.json", content: `${formatJson(packageJson)}\n` },
    { path: "tsconfig.json", content: `${formatJson(tsconfig)}\n` },
    // The program's format, so that `prettier --check .` in the project means what it means here.
    {
      path: ".prettierrc.json",
      content: `${formatJson({ printWidth: 110, singleQuote: false, trailingComma: "all" })}\n`,
    },
    { path: ".gitignore", content: "node_modules/\nbin/\n" },
    { path: "README.md", content: readme(d) },
    { path: "set-secrets.sh", content: d.setSecrets, mode: 0o755 },
  ];
}
