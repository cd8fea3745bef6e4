import type { TestProject } from "vitest/node";
import { ensurePulumiBin } from "./pulumiEnv";

declare module "vitest" {
  export interface ProvidedContext {
    pulumiBin: string;
  }
}

// Make the engine available once for the whole run; each test file gets its bin directory by inject().
export default function setup(project: TestProject): void {
  project.provide("pulumiBin", ensurePulumiBin());
}
