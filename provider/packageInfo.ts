import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The parts of this package's package.json that its tools read. */
export interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The folder of this package: the repository root when run from source, node_modules/pulumi-coiote when
 * installed. Searched upwards because compiled code lives one level deeper (dist/), so a fixed "../.."
 * would be wrong in one of the two.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "pulumi-coiote"
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`pulumi-coiote: no package.json above ${start}`);
  }
}

let root: string | undefined;

/** The absolute path of the pulumi-coiote package in use (found on first call, then kept). */
export function packageRoot(): string {
  root ??= findPackageRoot(__dirname);
  return root;
}

/** This package's package.json. */
export function packageManifest(): PackageManifest {
  return JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as PackageManifest;
}
