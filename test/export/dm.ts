import { execFile } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { DmSandbox } from "../../testing";

import { repoRoot } from "../support/repoRoot";

export { repoRoot };
export const token = "export-test-token";
export const handlerApi = "/api/coiotedm/v3/deviceEvents/handler";

const run = promisify(execFile);

/** The package's sandbox client, on a sandbox with the export tests' static token and no Kafka delivery. */
export type ExportSandbox = DmSandbox;

export const startExportSandbox = (): Promise<ExportSandbox> =>
  DmSandbox.start({ tokens: [token], kafka: null });

/** One handler as DM's API shows it; the export tests only read handlers that exist. */
export async function readHandler(dm: ExportSandbox, id: string): Promise<Record<string, unknown>> {
  const handler = await dm.getHandler(id);
  if (!handler) throw new Error(`DM has no handler ${id}`);
  return handler;
}

let folders = 0;

/** A fresh folder under .test-work/ (inside the repository, so `pulumi-coiote` resolves), removed by `cleanup`. */
export function workFolder(label: string): string {
  const folder = path.join(repoRoot, ".test-work", `export-${process.pid}-${++folders}-${label}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(path.dirname(folder), { recursive: true });
  return folder;
}

/** Links the repository's node_modules into a generated project, as `npm install` would provide them. */
export function linkNodeModules(project: string): void {
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(project, "node_modules"), "dir");
}

/** `tsc --noEmit --strict` with the project's own tsconfig.json; resolves with tsc's output on failure. */
export async function typecheck(project: string): Promise<string> {
  try {
    await run(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", project, "--noEmit", "--strict"], {
      cwd: repoRoot,
    });
    return "";
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message;
  }
}

/** `prettier --check` over the folders (each one's .prettierrc.json applies); "" when all pass. */
export async function prettierCheck(folders: string[]): Promise<string> {
  try {
    await run(path.join(repoRoot, "node_modules", ".bin", "prettier"), ["--check", ...folders], {
      cwd: repoRoot,
    });
    return "";
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message;
  }
}

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The real CLI, as a child process (`node -r ts-node/register/transpile-only export/cli.ts …`). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(repoRoot, "export", "cli.ts"), ...args],
      { cwd: repoRoot, env: childEnv },
    );
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      status: typeof failed.code === "number" ? failed.code : -1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? "",
    };
  }
}

/**
 * A DM that knows more than the sandbox: a proxy in front of it that appends `extra` to the handler list
 * of `domain` (a handler of a type a newer DM might have; the sandbox, like DM's API, refuses to create
 * one). Everything else passes through unchanged, so the sandbox's request log still counts each call.
 */
export async function startAddingProxy(
  target: string,
  domain: string,
  extra: Record<string, unknown>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            ([name]) => !["host", "connection", "content-length"].includes(name),
          ),
        ) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      let body = await upstream.text();
      const url = new URL(request.url ?? "/", target);
      if (url.pathname === handlerApi && url.searchParams.get("domain") === domain && upstream.status === 200)
        body = JSON.stringify([...(JSON.parse(body) as unknown[]), extra]);
      response.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      response.end(body);
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
