// Set-up shared by `npm test` and `npm run demo` on a fresh machine: install the npm dependencies when
// they are missing or older than package-lock.json, then compile the TypeScript sources to dist/.
// The engine and servers are made available by their own ensure-* scripts when first needed.
const { execSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const installedLock = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");
const stale = !fs.existsSync(installedLock) || fs.statSync(installedLock).mtimeMs < fs.statSync(lock).mtimeMs;

const run = (command) => execSync(command, { cwd: root, stdio: "inherit" });
if (stale) {
  console.error("[setup] installing npm dependencies (npm ci)");
  run("npm ci --no-audit --no-fund");
}
run("node scripts/link-self.cjs");
run("npx tsc -p tsconfig.json");
