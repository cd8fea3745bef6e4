import { defineConfig } from "vitest/config";

// A stack test runs the real engine (a few `pulumi` commands of seconds each): generous timeouts.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 300_000 },
});
