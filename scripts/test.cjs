// npm test: the whole suite on this machine's Node.js, then everything that runs Pulumi programs (the engine,
// examples, export round trip, README and unknowns tests) again on Node.js 24 LTS, the release our users
// run (@pulumi/pulumi declares node >= 22), taken from the npm registry by scripts/ensure-node.sh. Arguments (a file, a -t
// filter) run just those tests, once, on this machine's Node.js. COIOTE_TEST_NODE=<major> picks another
// second Node.js; COIOTE_TEST_NODE=none skips that pass.
const { execFileSync, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const args = process.argv.slice(2);
const secondNode = process.env.COIOTE_TEST_NODE ?? "24";
const programTests = [
  "test/engine",
  "test/examples",
  "test/export/roundTrip.test.ts",
  "test/install",
  "test/readme",
  "test/unknowns",
];

function run(node, vitestArgs, env = process.env) {
  const result = spawnSync(node, [vitest, "run", ...vitestArgs], { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, args);
const currentMajor = process.versions.node.split(".")[0];
if (args.length > 0 || secondNode === "none" || secondNode === currentMajor) process.exit(0);

const bin = execFileSync("bash", [path.join(root, "scripts", "ensure-node.sh"), secondNode], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
})
  .trim()
  .split("\n")
  .at(-1);
console.log(`\n[test] the Pulumi-program tests again on Node.js ${secondNode} (${bin}/node)\n`);
run(path.join(bin, "node"), programTests, {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH}`,
  NODE_BIN_DIR: bin,
  COIOTE_EXPECT_NODE_MAJOR: secondNode,
});
