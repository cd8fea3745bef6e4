// Lint TypeScript sources with the recommended rule sets; formatting is Prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/*.js", "**/*.mjs", "**/*.cjs", ".pulumi-*/**", ".demo/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Product code (what the package ships, plus the demo and benchmarks users run) never imports the
    // test suite: shared fixtures live in testing/, which ships as pulumi-coiote/testing.
    files: [
      "provider/**",
      "sdk/**",
      "sandbox/**",
      "export/**",
      "testing/**",
      "demo/**",
      "bench/**",
      "examples/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["**/test/**", "**/test"], message: "product code must not import test code" }],
        },
      ],
    },
  },
  {
    // The sandbox implements the DM contract, not the provider: of the provider it imports the contract
    // module (provider/schemas) only, so the two cannot drift apart through shared implementation code.
    // (This entry replaces the one above for sandbox/**, so it repeats the test-code pattern.)
    files: ["sandbox/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/test/**", "**/test"], message: "product code must not import test code" },
            {
              regex: "^((\\.\\./)+|pulumi-coiote/)provider(/(?!schemas$)|$)",
              message: "the sandbox imports only provider/schemas from the provider (the DM contract)",
            },
          ],
        },
      ],
    },
  },
);
