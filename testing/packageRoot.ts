import { packageRoot as findPackageRoot } from "../provider/packageInfo";

/**
 * The absolute path of the pulumi-coiote package in use: the repository root when run from source,
 * `node_modules/pulumi-coiote` when installed. Its `scripts/` folder holds the ensure-* scripts that
 * build or fetch the engine and the servers. Found when the module loads (it throws then if no
 * package.json named pulumi-coiote is above it).
 */
export const packageRoot = findPackageRoot();
