/**
 * npm run soak [-- --ops N] [--seed N] [--handlers N] [--domains N]: the long soak. Cycles of edits to N
 * event handlers over several domains, each `pulumi up` (and some `pulumi refresh`) run by the real CLI
 * under seeded random DM faults (429 with Retry-After, 500, 503, latency, connections dropped before and
 * after commit), until at least --ops provider operations have run (creates, updates, replacements,
 * deletes, refresh reads and test events). After every cycle one clean `up` must converge with nothing
 * leaked or duplicated in DM; at the end the stack is destroyed and DM must be empty. Prints the
 * operations, faults injected and fired, retries, the wall time and the seed; a failure exits 1 with the
 * seed, so `--seed N` replays the same edits and faults. The cycle (bench/soak/) is the one `npm test`
 * runs (test/faults/soak.test.ts), so the two cannot drift apart.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DmSandbox, ensurePulumiBin, packageRoot as repoRoot, ProgramStack, Receiver } from "../testing";
// The cycle and the loop are the ones the short soak of `npm test` runs (test/faults/soak.test.ts).
import { soakProviderConfig } from "./soak/cycle";
import { formatReport, runSoak, SoakFailure } from "./soak/run";

function options() {
  const { values } = parseArgs({
    options: {
      ops: { type: "string", default: "1000" },
      seed: { type: "string" },
      handlers: { type: "string", default: "60" },
      domains: { type: "string" },
    },
  });
  const number = (name: string, value: string | undefined, min: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return parsed;
  };
  const handlers = number("handlers", values.handlers, 1);
  return {
    ops: number("ops", values.ops, 1),
    seed: values.seed === undefined ? Date.now() % 100_000 : number("seed", values.seed, 0),
    handlers,
    // DM takes 10 handlers per domain, and a move creates the new handler before it deletes the old one:
    // about 7 per domain leaves room for moves and adds.
    domains:
      values.domains === undefined
        ? Math.max(2, Math.ceil(handlers / 7))
        : number("domains", values.domains, 1),
  };
}

async function main(): Promise<number> {
  const { ops, seed, handlers, domains } = options();
  const replay = `npm run soak -- --ops ${ops} --seed ${seed} --handlers ${handlers} --domains ${domains}`;
  console.log(`soak: seed ${seed}, at least ${ops} operations, ${handlers} handlers over ${domains} domains`);
  console.log(`replay: ${replay}`);
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "link-self.cjs")]);
  const pulumiBin = ensurePulumiBin();
  const sandbox = await DmSandbox.start();
  const receiver = await Receiver.start();
  let stack: ProgramStack | undefined;
  let code = 0;
  try {
    stack = await ProgramStack.create({
      program: path.join(repoRoot, "test", "programs", "event-handlers"),
      pulumiBin,
      config: {
        ...sandbox.providerConfig(soakProviderConfig),
        token: { value: "soak-token", secret: true },
        handlers: { value: "[]" },
      },
    });
    const report = await runSoak(
      { stack, sandbox, log: (line) => console.log(line) },
      { handlers, domains, receiverUrl: receiver.url },
      { seed, operations: ops },
    );
    console.log(`\n${formatReport(report, replay)}`);
    const out = path.join(repoRoot, "bench-results");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "soak.json"), JSON.stringify({ handlers, domains, ...report }, null, 2));
    console.log(`written ${path.relative(repoRoot, path.join(out, "soak.json"))}`);
  } catch (error) {
    code = 1;
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof SoakFailure) console.error(`\n${formatReport(error.report, replay, false)}`);
    console.error(`\nSOAK FAILED: seed ${seed}; replay with: ${replay}`);
  } finally {
    try {
      await stack?.dispose();
    } catch (error) {
      code = 1;
      console.error(`could not dispose of the soak stack: ${String(error)}`);
    }
    await receiver.stop();
    await sandbox.stop();
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
