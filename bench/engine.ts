import { classify, type DmSandbox, ProgramStack } from "../testing";
import { round, timed } from "./stats";

export interface EngineRow {
  handlers: number;
  upSeconds: number;
  floorSeconds: number;
  ratio: number;
  refreshSeconds: number;
  floorRefreshSeconds: number;
}

export interface CallRow {
  operation: string;
  handlers: number;
  calls: number;
  perHandler: number;
  floor: string;
}

function handlersConfig(sandbox: DmSandbox, receiverUrl: string, n: number) {
  return {
    ...sandbox.providerConfig({ count: String(n), receiver: receiverUrl }),
    token: { value: "bench-token", secret: true },
  };
}

/** `pulumi up` (and refresh) of N handlers against N no-op dynamic resources, in the same engine. */
export async function measureEngine(
  bin: string,
  sandbox: DmSandbox,
  receiverUrl: string,
  n: number,
): Promise<EngineRow> {
  const handlers = await ProgramStack.create({
    program: "bench/programs/handlers",
    pulumiBin: bin,
    config: handlersConfig(sandbox, receiverUrl, n),
  });
  const floor = await ProgramStack.create({
    program: "bench/programs/noop",
    pulumiBin: bin,
    config: { count: { value: String(n) } },
  });
  try {
    const up = await timed(() => handlers.up());
    const floorUp = await timed(() => floor.up());
    const refresh = await timed(() => handlers.refresh());
    const floorRefresh = await timed(() => floor.refresh());
    return {
      handlers: n,
      upSeconds: round(up.seconds),
      floorSeconds: round(floorUp.seconds),
      ratio: round(up.seconds / floorUp.seconds),
      refreshSeconds: round(refresh.seconds),
      floorRefreshSeconds: round(floorRefresh.seconds),
    };
  } finally {
    await handlers.dispose();
    await floor.dispose();
  }
}

/** DM API calls per operation, counted from the sandbox's request log. */
export async function measureCalls(
  bin: string,
  sandbox: DmSandbox,
  receiverUrl: string,
  n: number,
): Promise<CallRow[]> {
  const stack = await ProgramStack.create({
    program: "bench/programs/handlers",
    pulumiBin: bin,
    config: handlersConfig(sandbox, receiverUrl, n),
  });
  const rows: CallRow[] = [];
  const count = async (operation: string, floor: string, run: () => Promise<unknown>) => {
    const before = (await sandbox.requests()).length;
    await run();
    const calls = (await sandbox.requestsSince(before)).filter((r) => classify(r) !== "other").length;
    rows.push({ operation, handlers: n, calls, perHandler: round(calls / n), floor });
  };
  try {
    await count("create", "1 per handler", () => stack.up());
    await stack.setConfig({ suffix: { value: "-renamed" } });
    await count("update", "1 per handler", () => stack.up());
    await count("no-op up", "0", () => stack.up());
    await count("refresh", "1 per handler (or 1 list per domain)", () => stack.refresh());
    await stack.setConfig({ suffix: { value: "-tested" }, testOnApply: { value: "true" } });
    await count("update with testOnApply", "2 per handler (PUT + test)", () => stack.up());
    await count("destroy", "1 per handler", () => stack.destroy());
  } finally {
    await stack.dispose();
  }
  return rows;
}
