import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../support/repoRoot";

export const run = promisify(execFile);

/** `npm pack` of this repository into a fresh folder outside it; returns the tarball's path. */
export async function packPackage(): Promise<{ scratch: string; tarball: string }> {
  const scratch = mkdtempSync(path.join(tmpdir(), "coiote-packed-"));
  await run("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: repoRoot });
  const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${scratch}`);
  return { scratch, tarball: path.join(scratch, tarball) };
}

/** Installs the tarball and the Pulumi SDK into a project, as the README tells a user to. */
export async function installPackage(project: string, tarball: string): Promise<void> {
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, "@pulumi/pulumi@3.259.0"],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
}
