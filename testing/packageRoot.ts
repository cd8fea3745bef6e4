import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The folder of this package: the repository root when run from source, node_modules/pulumi-coiote when
 * installed (compiled code lives one level deeper, in dist/, so a fixed "../.." would be wrong in one of
 * the two). Its scripts/ folder holds the ensure-* scripts that build or fetch the engine and servers.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-coiote"
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`pulumi-coiote: no package.json above ${start}`);
  }
}

/**
 * The absolute path of the pulumi-coiote package in use: the repository root when run from source,
 * `node_modules/pulumi-coiote` when installed. Found once, when the module loads (it throws then if no
 * package.json named pulumi-coiote is above it).
 */
export const packageRoot = findPackageRoot(__dirname);
