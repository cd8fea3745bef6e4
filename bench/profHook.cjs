// Preloaded with NODE_OPTIONS="--require <this file>" by bench/profile.ts: a V8 CPU profile of any Node.js
// process the engine starts, written to $BENCH_PROF_DIR in chunks (the engine kills its plugins rather
// than letting them exit, so --cpu-prof's write-at-exit never happens for the dynamic provider). Each
// chunk is <role>.<pid>.<seq>.cpuprofile; bench/profile.ts summarize merges the chunks of one process.
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_PROF_DIR;
const argv = process.argv.join(" ");
const role = argv.includes("dynamic-provider") ? "provider" : argv.includes("cmd/run") ? "program" : "";
if (dir && role) {
  const session = new inspector.Session();
  session.connect();
  let seq = 0;
  let running = false;
  const start = () => {
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 1000 });
    session.post("Profiler.start");
    running = true;
  };
  const flush = () => {
    if (!running) return;
    running = false;
    session.post("Profiler.stop", (error, result) => {
      if (!error && result) {
        const file = path.join(dir, `${role}.${process.pid}.${String(seq++).padStart(3, "0")}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(result.profile));
      }
    });
  };
  start();
  const timer = setInterval(() => {
    flush();
    start();
  }, 2000);
  timer.unref();
  process.on("exit", flush);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      flush();
      process.exit(0);
    });
  }
}
