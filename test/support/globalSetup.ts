import type { TestProject } from "vitest/node";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ensurePulumiBin, repoRoot } from "./pulumiEnv";

declare module "vitest" {
  export interface ProvidedContext {
    pulumiBin: string;
  }
}

// Make the engine available once for the whole run; each test file gets its bin directory by inject().
export default function setup(project: TestProject): void {
  // Programs import "pulumi-coiote" as users do; `npm install` drops the self-link, so make sure of it.
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  project.provide("pulumiBin", ensurePulumiBin());
}
