import { defineConfig } from "vitest/config";

// Engine tests start real processes (pulumi, sandbox, brokers): generous timeouts, one file at a time
// per worker so two `pulumi up` runs do not fight over the 2 cores of a CI machine.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ["test/support/globalSetup.ts"],
    // Every handler an in-process sandbox answers with is checked against the shared response schema.
    setupFiles: ["test/support/sandboxAnswers.ts"],
    reporters: ["default"],
  },
});
