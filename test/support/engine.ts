import {
  type ConfigMap,
  type EngineEvent,
  LocalWorkspace,
  type OpType,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { offlinePulumiEnv, repoRoot } from "./pulumiEnv";

/** What the engine did (or would do) to each resource, keyed by the resource's name in the program. */
export type OperationsByName = Record<string, OpType>;

export interface StackRunResult {
  operations: OperationsByName;
  stdout: string;
}

export interface ProgramStackOptions {
  /** Folder (relative to the repository root or absolute) holding Pulumi.yaml and the program. */
  program: string;
  /** Plain and secret stack config, applied before the first run. */
  config?: ConfigMap;
  /** Extra environment for the engine and the program (e.g. COIOTE_URL). */
  env?: Record<string, string>;
  /** The engine's bin directory; inside vitest it comes from the global setup. */
  pulumiBin?: string;
}

// Scratch space inside the repository so that programs resolve node_modules (and pulumi-coiote through
// its self-link) the same way a user's project does. Git ignores it.
const workRoot = path.join(repoRoot, ".test-work");

function collectOperations(events: EngineEvent[]): OperationsByName {
  const operations: OperationsByName = {};
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || metadata.type === "pulumi:pulumi:Stack" || metadata.type.startsWith("pulumi:providers:"))
      continue;
    const name = metadata.urn.split("::").pop()!;
    // A replacement shows up as several steps (create-replacement, replace, delete-replaced); keep "replace".
    if (operations[name] === "replace") continue;
    operations[name] = ["create-replacement", "delete-replaced"].includes(metadata.op)
      ? "replace"
      : metadata.op;
  }
  return operations;
}

/**
 * One stack of an on-disk program, run by the real engine against a file:// backend in a temporary
 * folder. Every run reports the operation per resource, so a test can say "this edit is an update".
 */
export class ProgramStack {
  private constructor(
    readonly stack: Stack,
    readonly workDir: string,
    private readonly scratch: string,
  ) {}

  static async create(options: ProgramStackOptions): Promise<ProgramStack> {
    const id = randomBytes(4).toString("hex");
    const scratch = path.join(workRoot, id);
    const workDir = path.join(scratch, "program");
    const backendDir = path.join(scratch, "state");
    mkdirSync(backendDir, { recursive: true });
    const source = path.isAbsolute(options.program) ? options.program : path.join(repoRoot, options.program);
    cpSync(source, workDir, { recursive: true, filter: (src) => !src.includes("node_modules") });

    // Loaded lazily so that the benchmarks, which run outside vitest, can use this harness too.
    const bin = options.pulumiBin ?? (await import("vitest")).inject("pulumiBin");
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin) });
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: `t${id}`, workDir },
      {
        pulumiCommand,
        pulumiHome: path.join(scratch, "home"),
        envVars: {
          ...offlinePulumiEnv(),
          PULUMI_BACKEND_URL: `file://${backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: "coiote-test-passphrase",
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
          ...options.env,
        },
      },
    );
    const programStack = new ProgramStack(stack, workDir, scratch);
    if (options.config) await stack.setAllConfig(options.config);
    return programStack;
  }

  async up(): Promise<StackRunResult> {
    const events: EngineEvent[] = [];
    const result = await this.stack.up({ onEvent: (e) => events.push(e), color: "never" });
    return { operations: collectOperations(events), stdout: result.stdout };
  }

  async preview(): Promise<StackRunResult & { changes: number }> {
    const events: EngineEvent[] = [];
    const result = await this.stack.preview({ onEvent: (e) => events.push(e), color: "never", diff: true });
    const changes = Object.entries(result.changeSummary)
      .filter(([op]) => op !== "same")
      .reduce((sum, [, count]) => sum + (count ?? 0), 0);
    return { operations: collectOperations(events), stdout: result.stdout, changes };
  }

  /** Refresh, then report what it changed in state (an empty map means the state was the truth). */
  async refresh(): Promise<StackRunResult & { changes: number }> {
    const events: EngineEvent[] = [];
    const result = await this.stack.refresh({ onEvent: (e) => events.push(e), color: "never" });
    const summary = result.summary.resourceChanges ?? {};
    const changes = Object.entries(summary)
      .filter(([op]) => op !== "same")
      .reduce((sum, [, count]) => sum + (count ?? 0), 0);
    // A refresh announces every resource as "refresh"; its outcome ("update", "delete") arrives with the outputs.
    const operations: OperationsByName = {};
    for (const event of events) {
      const metadata = event.resOutputsEvent?.metadata;
      if (
        !metadata ||
        metadata.type === "pulumi:pulumi:Stack" ||
        metadata.type.startsWith("pulumi:providers:")
      )
        continue;
      if (metadata.op !== "same") operations[metadata.urn.split("::").pop()!] = metadata.op;
    }
    return { operations, stdout: result.stdout, changes };
  }

  async destroy(): Promise<void> {
    await this.stack.destroy({ color: "never" });
  }

  async setConfig(config: ConfigMap): Promise<void> {
    await this.stack.setAllConfig(config);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
  }

  /**
   * The state file exactly as the file backend stored it: the place to look for leaked secrets.
   * (The Automation API's exportStack() decrypts secrets, so it cannot show a leak.)
   */
  stateFileText(): string {
    const stacksDir = path.join(this.scratch, "state", ".pulumi", "stacks");
    const files = readdirSync(stacksDir, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(`${this.stack.name}.json`),
    );
    if (files.length !== 1)
      throw new Error(
        `expected one state file for ${this.stack.name} in ${stacksDir}, found ${files.length}`,
      );
    return readFileSync(path.join(stacksDir, files[0]!), "utf8");
  }

  /** Resources in state, without the stack and provider entries. */
  async resourcesInState(): Promise<
    Array<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }>
  > {
    const deployment = await this.stack.exportStack();
    const resources = (deployment.deployment?.resources ?? []) as Array<{
      urn: string;
      type: string;
      id?: string;
      outputs?: Record<string, unknown>;
    }>;
    return resources.filter(
      (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
  }

  /** Destroys whatever is left, removes the stack and deletes the scratch folder; safe to call twice. */
  async dispose(): Promise<void> {
    try {
      if ((await this.resourcesInState()).length > 0) await this.destroy();
      // Forced: a stack whose first up failed still holds its stack and provider entries.
      await this.stack.workspace.removeStack(this.stack.name, { force: true });
    } finally {
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}

/**
 * Creates a ProgramStack and registers its disposal with the test file, so resources are destroyed and
 * temp folders removed even when an assertion fails half-way.
 */
export async function programStack(
  options: ProgramStackOptions,
  register: (fn: () => Promise<void>) => void,
): Promise<ProgramStack> {
  const created = await ProgramStack.create(options);
  register(() => created.dispose());
  return created;
}
