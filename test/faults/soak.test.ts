import { describe, expect, it } from "vitest";
import { useSandboxAndReceiver } from "../support/fixture";
import { soakProviderConfig } from "../../bench/soak/cycle";
import { formatReport, runSoak } from "../../bench/soak/run";

/**
 * Random faults over many edit/up/refresh cycles: the short soak of `npm test`. The cycle is the one
 * `npm run soak` runs (soakCycle.ts); here it is a few cycles over a dozen handlers. The seed is printed
 * so a failure can be replayed (SOAK_SEED=...); the run stops after SOAK_CYCLES cycles or SOAK_SECONDS,
 * whichever comes first.
 */
const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
const cycles = Number(process.env.SOAK_CYCLES ?? 6);
const seconds = Number(process.env.SOAK_SECONDS ?? 150);
const handlers = Number(process.env.SOAK_HANDLERS ?? 12);
const domains = Number(process.env.SOAK_DOMAINS ?? 3);

const fixture = useSandboxAndReceiver();

describe("soak: random faults over many cycles", () => {
  it(`converges after every cycle (seed ${seed})`, { timeout: 480_000 }, async () => {
    console.log(`soak seed ${seed}; replay with SOAK_SEED=${seed}`);
    const stack = await fixture.sandboxStack({
      program: "test/programs/event-handlers",
      providerConfig: soakProviderConfig,
      config: {
        token: { value: "soak-token", secret: true },
        handlers: { value: "[]" },
      },
    });
    const report = await runSoak(
      { stack, sandbox: fixture.sandbox, log: (line) => console.log(line) },
      { handlers, domains, receiverUrl: fixture.receiver.url },
      { seed, cycles, seconds },
    );
    console.log(
      formatReport(
        report,
        `SOAK_SEED=${seed} SOAK_HANDLERS=${handlers} SOAK_DOMAINS=${domains} npm test -- test/faults/soak.test.ts`,
      ),
    );
    expect(report.cycles.length).toBeGreaterThan(0);
    expect(report.faultsFired).toBeGreaterThan(0);
  });
});
