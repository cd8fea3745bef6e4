import path from "node:path";

/** This repository's root: where the tests find programs, examples, docs and scripts. */
export const repoRoot = path.resolve(__dirname, "..", "..");
