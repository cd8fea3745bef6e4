// Make `require("pulumi-coiote/...")` resolve inside this repository exactly as it does in a user's
// project. The dynamic-provider stubs load their implementation by package name at run time, and the
// engine evaluates them from the program's folder, so examples and test programs need
// node_modules/pulumi-coiote. A symlink to the repository root gives them the working tree's dist/.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-coiote");
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  if (fs.readlinkSync(link) === root) process.exit(0);
  fs.rmSync(link, { force: true, recursive: true });
} catch {
  // not a symlink yet
}
fs.symlinkSync(root, link, "dir");
