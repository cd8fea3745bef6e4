import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ExportError } from "./errors";
import type { ProjectFile } from "./project";

/**
 * Refuses an --out folder that already holds something (unless `force`), before anything is read from
 * DM, so a typo never overwrites another project.
 */
export function assertWritableOut(out: string, force: boolean): void {
  let entries: string[];
  try {
    if (!statSync(out).isDirectory()) throw new ExportError(`--out ${out} is a file, not a folder`);
    entries = readdirSync(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (entries.length > 0 && !force)
    throw new ExportError(
      `--out ${out} is not empty (${entries.length} entries): choose an empty folder, or add --force to overwrite the export's files in it`,
    );
}

/** Writes the files (creating the folder) and returns their absolute paths. */
export function writeProject(out: string, files: ProjectFile[]): string[] {
  mkdirSync(out, { recursive: true });
  return files.map((file) => {
    const target = path.resolve(out, file.path);
    writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
    if (file.mode !== undefined) chmodSync(target, file.mode);
    return target;
  });
}
