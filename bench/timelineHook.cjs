// Preloaded with NODE_OPTIONS="--require <this file>" by bench/timeline.ts: in each dynamic-provider process
// the engine starts, logs when the process started, every gRPC call it served (method, start, duration)
// and how long loading the package's runtime took, one JSON line per event to
// $BENCH_TIMELINE_DIR/<pid>.jsonl. Absolute Date.now() times, so the harness can line the processes up
// with the command it timed.
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const dir = process.env.BENCH_TIMELINE_DIR;
if (dir && process.argv.join(" ").includes("dynamic-provider")) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const log = (event) => fs.appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...event })}\n`);
  log({ event: "start", startedAt: Math.round(performance.timeOrigin) });

  const load = Module._load;
  let grpcPatched = false;
  let runtimeTimed = false;
  Module._load = function timedLoad(request, ...rest) {
    const timeRuntime = !runtimeTimed && /provider\/runtime$/.test(request);
    if (timeRuntime) runtimeTimed = true;
    const started = Date.now();
    const loaded = load.call(this, request, ...rest);
    if (timeRuntime) log({ event: "runtime", startedAt: started, ms: Date.now() - started });
    if (!grpcPatched && request === "@grpc/grpc-js" && loaded.Server) {
      grpcPatched = true;
      const addService = loaded.Server.prototype.addService;
      // Every method the service defines, wrapped to log when its answer is sent.
      loaded.Server.prototype.addService = function (service, implementation) {
        const wrapped = {};
        for (const method of Object.keys(service)) {
          const handler = implementation[method];
          if (typeof handler !== "function") continue;
          wrapped[method] = function (call, callback) {
            const startedAt = Date.now();
            return handler.call(this, call, (...answer) => {
              const cpu = process.cpuUsage();
              log({
                event: "call",
                method,
                startedAt,
                ms: Date.now() - startedAt,
                cpuMs: (cpu.user + cpu.system) / 1000,
                activeMs: performance.eventLoopUtilization().active,
              });
              return callback(...answer);
            });
          };
        }
        return addService.call(this, service, wrapped);
      };
    }
    return loaded;
  };
}
