import {
  type ConfigMap,
  type EngineEvent,
  LocalWorkspace,
  type OpType,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import path from "node:path";
import { packageRoot } from "./packageRoot";
import { ensurePulumiBin, offlinePulumiEnv } from "./pulumiEnv";

/** What the engine did (or would do) to each resource, keyed by the resource's name in the program. */
export type OperationsByName = Record<string, OpType>;

/** What one engine run did: the operation per resource, and the text it printed. */
export interface StackRunResult {
  /**
   * The operation per resource, keyed by the resource's name (the last part of its URN): `"create"`,
   * `"update"`, `"replace"`, `"delete"`, or `"same"` for one left alone. `up` and `preview` list every
   * resource they visit, `refresh` only those it changed. The stack itself and provider resources are
   * left out.
   */
  operations: OperationsByName;
  /** The engine's output as a user sees it in a terminal, without colours. */
  stdout: string;
}

/** A CLI `up`: what its preview phase planned (names it leaves alone are absent), then what the update did. */
export interface UpResult extends StackRunResult {
  /**
   * The operation the preview phase planned per resource (`"create"`, `"update"`, `"delete"` or
   * `"replace"`), read from the CLI's text; a resource it leaves alone is absent rather than `"same"`.
   */
  previewOperations: OperationsByName;
}

/** How a `pulumi` command ended, from `ProgramStack.cli` or `ProgramStack.run`. */
export interface CliResult {
  /** The exit code: 0 on success. */
  code: number;
  /** Everything the command wrote to standard output, as text without colours. */
  stdout: string;
  /** Everything the command wrote to standard error. */
  stderr: string;
}

/** A failed `pulumi` command; the message carries its output, as the CLI showed it to a user. */
export class PulumiCliError extends Error {
  constructor(
    /**
     * The arguments of the failed command, without the `--stack`, `--color` and `--non-interactive` the
     * harness adds.
     */
    readonly args: string[],
    /** Its exit code (not 0) and its whole output. */
    readonly result: CliResult,
  ) {
    super(`pulumi ${args.join(" ")} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
    this.name = "PulumiCliError";
  }
}

/** Where a `ProgramStack` finds its program, and how it runs it. */
export interface ProgramStackOptions {
  /** Folder holding Pulumi.yaml and the program: absolute, or relative to the current directory. */
  program: string;
  /**
   * Run the program in its own folder as it is, with its own node_modules (a user's project outside this
   * repository): no copy, no link to the working tree.
   */
  standalone?: boolean;
  /** Plain and secret stack config, applied before the first run. */
  config?: ConfigMap;
  /** Extra environment for the engine and the program (e.g. COIOTE_URL). */
  env?: Record<string, string>;
  /** The engine's bin directory; by default `ensurePulumiBin()` (COIOTE_PULUMI_BIN, PATH, cache or a build). */
  pulumiBin?: string;
  /**
   * Scratch folder for program copies, state and PULUMI_HOME (default: COIOTE_TEST_WORK, else
   * `.test-work` in the current directory). Keep it inside your project so the copied program resolves
   * your node_modules as the original does; add it to .gitignore.
   */
  workRoot?: string;
}

/**
 * Gives a program copy its own `pulumi-coiote`: the package running this harness, whatever node_modules
 * above points at. An installed package is linked. A source checkout's is copied (package.json and dist/),
 * so that the program sees it under node_modules as a user's does: the engine then stores each
 * resource's provider as a reference to its module, as it does for users, not as code (see
 * provider/stubs/stub.ts).
 */
function installPackage(target: string): void {
  mkdirSync(path.dirname(target), { recursive: true });
  if (realpathSync(packageRoot).split(path.sep).includes("node_modules")) {
    symlinkSync(packageRoot, target, "dir");
    return;
  }
  mkdirSync(target);
  cpSync(path.join(packageRoot, "package.json"), path.join(target, "package.json"));
  cpSync(path.join(packageRoot, "dist"), path.join(target, "dist"), { recursive: true });
}

function defaultWorkRoot(): string {
  return process.env.COIOTE_TEST_WORK || path.resolve(".test-work");
}

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

const previewSymbols: Record<string, OpType> = { "+": "create", "~": "update", "-": "delete" };

/**
 * The non-interactive CLI's progress spinner: `@ previewing update` once, then a dot a second. It writes
 * to stdout from another goroutine than the resource rows, so a row can follow it on the same line
 * (`@ previewing update.... +  <type> <name> create`, or `. ~  <type> <name> update`).
 */
const spinnerPrefix = /^(?:(?:@|\u2728) [^.\n]*)?\.+(?= )/u;

/**
 * What the preview phase of a CLI `up` planned, read from its text (the CLI keeps the preview's events out
 * of the event log). Each changing resource prints a line such as ` ~  <type> <name> update`; a resource
 * the preview leaves alone prints nothing, so a name missing here was planned as "same".
 */
export function previewOperationsOf(stdout: string): OperationsByName {
  const start = stdout.indexOf("Previewing update (");
  const end = stdout.indexOf("\nUpdating (", start);
  const section = start < 0 ? "" : stdout.slice(start, end < 0 ? undefined : end);
  const operations: OperationsByName = {};
  for (const line of section.split("\n")) {
    const match = /^ (\+\+|\+-|--|[+~-]) +(\S+) (\S+) /.exec(line.replace(spinnerPrefix, ""));
    if (!match || match[2] === "pulumi:pulumi:Stack" || match[2]!.startsWith("pulumi:providers:")) continue;
    const [, symbol, , name] = match as unknown as [string, string, string, string];
    operations[name] = symbol.length === 2 ? "replace" : previewSymbols[symbol]!;
  }
  return operations;
}

/**
 * One stack of an on-disk program, run by the real engine against a file:// backend in a temporary
 * folder. Every run reports the operation per resource, so a test can say "this edit is an update".
 */
export class ProgramStack {
  private constructor(
    /**
     * The stack as the Automation API sees it, for what this class does not wrap (e.g.
     * `stack.exportStack()`). Its commands run with the same backend, passphrase and PULUMI_HOME.
     */
    readonly stack: Stack,
    /**
     * The folder the program runs in: the copy in `<workRoot>/<id>/program`, or `options.program`
     * itself when `standalone`.
     */
    readonly workDir: string,
    private readonly scratch: string,
    /** The environment the CLI runs with: offline switches, file backend, passphrase, PULUMI_HOME. */
    readonly env: Record<string, string>,
    private readonly pulumiPath: string,
  ) {}

  /**
   * Prepares the stack without running the program: makes the scratch folder `<workRoot>/<id>` (state
   * backend, PULUMI_HOME, and the program's copy unless `standalone`, with `node_modules/pulumi-coiote`
   * linked to the package running this harness), finds the engine (which can take minutes when it has
   * to be built first), creates a stack named `t<id>` and applies `options.config`.
   *
   * The caller owns the stack: call `dispose` when done, or use `programStack` or `useStacks`, which
   * register that with the test file.
   *
   * @throws When the engine cannot be found or built, when the program folder cannot be copied, or when
   *   the stack cannot be created (no Pulumi.yaml, say).
   */
  static async create(options: ProgramStackOptions): Promise<ProgramStack> {
    const id = randomBytes(4).toString("hex");
    const scratch = path.join(options.workRoot ?? defaultWorkRoot(), id);
    const source = path.resolve(options.program);
    const workDir = options.standalone ? source : path.join(scratch, "program");
    const backendDir = path.join(scratch, "state");
    mkdirSync(backendDir, { recursive: true });
    if (!options.standalone) {
      // Entry by entry, leaving out node_modules (linked below, or resolved from the folders above) and this
      // harness's own scratch space when it sits inside the program's folder (a user's test of "." in their
      // project): cpSync refuses to copy a folder into itself even when a filter would skip that part.
      const workRoot = path.dirname(scratch);
      mkdirSync(workDir, { recursive: true });
      for (const entry of readdirSync(source)) {
        const from = path.join(source, entry);
        if (entry === "node_modules" || from === workRoot) continue;
        cpSync(from, path.join(workDir, entry), {
          recursive: true,
          filter: (src) => !src.split(path.sep).includes("node_modules"),
        });
      }
      installPackage(path.join(workDir, "node_modules", "pulumi-coiote"));
    }

    const bin = options.pulumiBin ?? ensurePulumiBin();
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin) });
    const pulumiHome = path.join(scratch, "home");
    const envVars = {
      ...offlinePulumiEnv(),
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "coiote-test-passphrase",
      // The engine first, then the Node.js that runs the program (NODE_BIN_DIR: e.g. the Node 24 run).
      PATH: [bin, process.env.NODE_BIN_DIR, process.env.PATH ?? ""].filter(Boolean).join(path.delimiter),
      ...options.env,
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: `t${id}`, workDir },
      { pulumiCommand, pulumiHome, envVars },
    );
    // PULUMI_DEBUG_COMMANDS makes the CLI accept --event-log (as the Automation API does), from which the
    // harness reads the operations; it changes nothing else about the run.
    const cliEnv = { ...envVars, PULUMI_HOME: pulumiHome, PULUMI_DEBUG_COMMANDS: "true" };
    const programStack = new ProgramStack(stack, workDir, scratch, cliEnv, path.join(bin, "pulumi"));
    if (options.config) await stack.setAllConfig(options.config);
    return programStack;
  }

  /**
   * Runs the `pulumi` CLI in the program's folder against this stack, as a user types it (the stack is
   * selected by --stack, the output is plain text). Resolves with the exit code; see `run` for failures.
   */
  cli(args: string[], options: { stdin?: string } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.pulumiPath,
        [...args, "--stack", this.stack.name, "--color", "never", "--non-interactive"],
        { cwd: this.workDir, env: { ...process.env, ...this.env }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          if (error && typeof error.code !== "number") reject(error);
          else resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(options.stdin ?? "");
    });
  }

  /**
   * Like `cli`, but a non-zero exit is an error that carries the output.
   *
   * @throws {@link PulumiCliError} When the command exits with a code other than 0.
   */
  async run(args: string[]): Promise<CliResult> {
    const result = await this.cli(args);
    if (result.code !== 0) throw new PulumiCliError(args, result);
    return result;
  }

  /** A CLI command with an engine event log, read back after it ends (also when it failed). */
  private async withEvents(args: string[]): Promise<{ result: CliResult; events: EngineEvent[] }> {
    const logFile = path.join(this.scratch, `events-${randomBytes(4).toString("hex")}.jsonl`);
    try {
      const result = await this.cli([...args, "--event-log", logFile]);
      const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      const events = text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as EngineEvent);
      if (result.code !== 0) throw new PulumiCliError(args, result);
      return { result, events };
    } finally {
      rmSync(logFile, { force: true });
    }
  }

  /**
   * `pulumi up --yes`, exactly as a user or a pipeline runs it: the CLI first previews (every output not
   * created yet is unknown), then updates. Both phases' operations are reported.
   *
   * @throws {@link PulumiCliError} When the command exits with an error (a failed preview or update).
   */
  async up(): Promise<UpResult> {
    const { result, events } = await this.withEvents(["up", "--yes"]);
    return {
      previewOperations: previewOperationsOf(result.stdout),
      operations: collectOperations(events),
      stdout: result.stdout,
    };
  }

  /**
   * `pulumi preview --diff`, run through the Automation API: what the next `up` would do, changing
   * nothing. `operations` includes the resources it would leave alone (`"same"`).
   *
   * @returns The operations, the output, and `changes`: how many resources the preview would change.
   * @throws When the preview fails (the Automation API's error, with the CLI's output).
   */
  async preview(): Promise<
    StackRunResult & {
      /** How many resources the preview would change: its change summary without `"same"`. */
      changes: number;
    }
  > {
    const events: EngineEvent[] = [];
    const result = await this.stack.preview({ onEvent: (e) => events.push(e), color: "never", diff: true });
    const changes = Object.entries(result.changeSummary)
      .filter(([op]) => op !== "same")
      .reduce((sum, [, count]) => sum + (count ?? 0), 0);
    return { operations: collectOperations(events), stdout: result.stdout, changes };
  }

  /**
   * `pulumi refresh --yes`, then what it changed in state (an empty map means the state was the truth).
   *
   * @returns The operations, the output, and `changes`: how many resources the refresh changed in state.
   * @throws {@link PulumiCliError} When the command exits with an error.
   */
  async refresh(): Promise<
    StackRunResult & {
      /** How many resources the refresh changed in state: its change summary without `"same"`. */
      changes: number;
    }
  > {
    const { result, events } = await this.withEvents(["refresh", "--yes"]);
    // The preview phase reports a summary too; the last one is the refresh's own.
    const summary = events.filter((e) => e.summaryEvent).at(-1)?.summaryEvent?.resourceChanges ?? {};
    const changes = Object.entries(summary)
      .filter(([op]) => op !== "same")
      .reduce((sum, [, count]) => sum + (count ?? 0), 0);
    // A refresh announces every resource as "refresh"; its outcome ("update", "delete") arrives with the outputs.
    const operations: OperationsByName = {};
    for (const event of events) {
      const metadata = event.resOutputsEvent?.metadata;
      if (
        !metadata ||
        event.resOutputsEvent?.planning === true ||
        metadata.type === "pulumi:pulumi:Stack" ||
        metadata.type.startsWith("pulumi:providers:")
      )
        continue;
      if (metadata.op !== "same") operations[metadata.urn.split("::").pop()!] = metadata.op;
    }
    return { operations, stdout: result.stdout, changes };
  }

  /**
   * `pulumi destroy --yes`, preview phase included.
   *
   * @throws {@link PulumiCliError} When the command exits with an error.
   */
  async destroy(): Promise<void> {
    await this.run(["destroy", "--yes"]);
  }

  /**
   * Sets these stack config keys (plain or `secret: true`) for the next runs; keys not named keep their
   * value.
   */
  async setConfig(config: ConfigMap): Promise<void> {
    await this.stack.setAllConfig(config);
  }

  /**
   * The stack's outputs from its last update, by name, as plain values: secret outputs are decrypted.
   */
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

  /**
   * Resources in state, without the stack and provider entries.
   *
   * @returns One entry per resource: its `urn`, `type` token, `id` (absent for a component) and the
   *   `outputs` recorded at the last update, secrets decrypted.
   */
  async resourcesInState(): Promise<
    Array<{
      /** The resource's URN; its last `::` part is the name the program gave it. */
      urn: string;
      /** The resource type token, e.g. `pulumi-nodejs:dynamic/coiote:EventHandler`. */
      type: string;
      /** The id the provider assigned (a DM handler's id, say); absent for a component. */
      id?: string;
      /** The outputs recorded at the last update, with secrets decrypted. */
      outputs?: Record<string, unknown>;
    }>
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
      // The work root too once no other stack uses it, so a user's project is left as it was.
      try {
        rmdirSync(path.dirname(this.scratch));
      } catch {
        // Not empty (another stack's scratch is there) or already gone: leave it.
      }
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
