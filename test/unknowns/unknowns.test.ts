import { InfluxDB } from "@influxdata/influxdb-client";
import { AuthorizationsAPI, BucketsAPI } from "@influxdata/influxdb-client-apis";
import type { OpType } from "@pulumi/pulumi/automation";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type InfluxServer,
  type ProgramStack,
  type SandboxHandler,
  startInfluxd,
  type UpResult,
} from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { adoptDomain, getAt, type MatrixCase, matrixCases, secretSamples } from "./cases";

/**
 * The unknowns matrix. Every feedable input of every resource (read from the SDK's argument types) is fed
 * from another resource's output, so it is unknown while the CLI previews, in one stack of ~100 cases:
 *   1. fresh stack: `pulumi up --yes` (preview, then update) creates everything; a preview is then empty;
 *   2. existing stack, each input unknown again but with the same value: the preview plans the operation
 *      the input's kind allows (update, or replace for inputs that replace), and the update converges;
 *   3. existing stack, each input unknown and edited: the preview plans the operation the edit needs, the
 *      update applies it (checked in DM for handlers), and a preview is then empty.
 */
const fixture = useSandboxAndReceiver();
let influx: InfluxServer;
let stack: ProgramStack;
let cases: MatrixCase[];
let uncovered: string[];
const runs: Record<string, UpResult> = {};
const emptyAfter: Record<string, number> = {};

type Phase = "fresh" | "unknown" | "edit";
const nonces: Record<Phase, string> = { fresh: "a", unknown: "b", edit: "c" };
const valueIn = (c: MatrixCase, phase: Phase) =>
  phase === "edit" && c.editedValue !== undefined ? c.editedValue : c.fedValue;
// Only an edited input changes its feeder in the edit phase; the others keep theirs (and must stay "same").
const nonceIn = (c: MatrixCase, phase: Phase) =>
  phase === "edit" && c.editedValue === undefined ? nonces.unknown : nonces[phase];

async function runPhase(phase: Phase): Promise<void> {
  const config = cases.map((c) => ({
    id: c.id,
    resource: c.resource,
    args: c.args,
    path: c.path,
    value: valueIn(c, phase),
    nonce: nonceIn(c, phase),
    secret: JSON.stringify(valueIn(c, phase)).includes("CANARY"), // every secret sample carries it
  }));
  // Secret: the engine records the stack's config in the provider's state, and the cases hold secrets.
  await stack.setConfig({ cases: { value: JSON.stringify(config), secret: true } });
  runs[phase] = await stack.up();
  emptyAfter[phase] = (await stack.preview()).changes;
}

beforeAll(async () => {
  influx = await startInfluxd();
  fixture.cleanups.push(() => influx.stop());
  const client = new InfluxDB({ url: influx.url, token: influx.token });
  const buckets = new BucketsAPI(client);
  const bucket = await buckets.postBuckets({
    body: { orgID: influx.orgId, name: "matrix-existing", retentionRules: [] },
  });
  const adopted = await buckets.postBuckets({
    body: { orgID: influx.orgId, name: "matrix-adopted", retentionRules: [] },
  });
  const write = await new AuthorizationsAPI(client).postAuthorizations({
    body: {
      orgID: influx.orgId,
      permissions: [{ action: "write", resource: { type: "buckets", id: bucket.id!, orgID: influx.orgId } }],
    },
  });
  const made = await fixture.sandbox.api<string>(
    "POST",
    `/deviceEvents/handler/webhook?domain=${adoptDomain}`,
    {
      type: "webhook",
      name: "made by hand",
      enabled: true,
      filter: { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] },
      connectionConfig: { uri: `${fixture.receiver.url}/by-hand` },
    },
  );
  expect(made.status).toBe(201);
  ({ cases, uncovered } = matrixCases({
    receiverUrl: fixture.receiver.url,
    influxUrl: influx.url,
    org: influx.org,
    orgId: influx.orgId,
    bucketId: bucket.id!,
    writeToken: write.token!,
    adoptHandlerId: made.body,
    adoptBucketId: adopted.id!,
  }));
  // Handlers that produce with the domain's Kafka properties need a domain that has them.
  for (const c of cases) {
    const config = c.args.connectionConfig as { type?: string } | undefined;
    if (c.resource === "EventHandler" && config?.type === "domainProperty")
      await fixture.sandbox.setDomainKafkaProperties(
        c.args.domain as string,
        "bootstrap.servers=127.0.0.1:9092\n",
      );
  }
  stack = await fixture.sandboxStack({
    program: "test/programs/unknowns",
    config: {
      "influxdb:url": { value: influx.url },
      "influxdb:token": { value: influx.token, secret: true },
      "influxdb:org": { value: influx.org },
    },
  });
  for (const phase of ["fresh", "unknown", "edit"] as const) await runPhase(phase);
}, 1_200_000);

describe("the unknowns matrix", () => {
  it("covers every input the SDK's argument types declare, for every resource kind", () => {
    expect(uncovered).toEqual([]);
    const kinds = new Set(cases.map((c) => c.resource));
    expect([...kinds].sort()).toEqual([
      "EventHandler",
      "InfluxBucket",
      "InfluxBucketIntegration",
      "InfluxToken",
      "KafkaConnection",
    ]);
    expect(cases.length).toBeGreaterThan(80);
    console.log(
      `unknowns matrix: ${cases.length} cases (${cases.filter((c) => c.editedValue !== undefined).length} edited)`,
    );
  });

  it("converges after every phase: a preview after each up plans nothing", () => {
    expect(emptyAfter).toEqual({ fresh: 0, unknown: 0, edit: 0 });
  });

  it("keeps every secret sample out of the state file", () => {
    const state = stack.stateFileText();
    for (const secret of Object.values(secretSamples)) expect(state).not.toContain(secret);
  });
});

const opsOf = (phase: Phase, c: Pick<MatrixCase, "target">): { planned?: OpType; applied?: OpType } => ({
  // The CLI's preview prints only what changes: a part it does not list is left alone.
  planned: runs[phase] && (runs[phase].previewOperations[c.target] ?? "same"),
  applied: runs[phase]?.operations[c.target],
});

// The cases, their names and expected operations do not depend on where the servers run: the same list,
// built from placeholders, names the tests before the servers exist.
const planned = matrixCases({
  receiverUrl: "http://127.0.0.1:1",
  influxUrl: "http://127.0.0.1:2",
  org: "org",
  orgId: "0000000000000000",
  bucketId: "0000000000000001",
  writeToken: "token",
  adoptHandlerId: "000000000000000000000000",
  adoptBucketId: "0000000000000002",
}).cases.map((c) => ({ ...c, name: c.key }));

describe("the unknowns matrix, case by case", () => {
  it("runs the cases it names", () => {
    expect(cases.map((c) => c.key)).toEqual(planned.map((c) => c.key));
  });

  it.each(planned)("$name: on a fresh stack, previewed and applied as a create", (c) => {
    expect(opsOf("fresh", c)).toEqual({ planned: "create", applied: "create" });
  });

  it.each(planned)("$name: unknown on an existing stack, previewed as $unknownOp, applied as same", (c) => {
    expect(opsOf("unknown", c)).toEqual({ planned: c.unknownOp, applied: "same" });
  });

  it.each(planned)("$name: unknown and edited, previewed and applied as the edit needs", (c) => {
    const op = c.editedValue === undefined ? "same" : c.editOp;
    expect(opsOf("edit", c)).toEqual({ planned: op, applied: op });
  });

  // Handlers: what DM holds after the edit is the edited value (DM fills in defaults around it).
  const dmVisible = planned.filter(
    (c) =>
      c.resource === "EventHandler" &&
      c.editedValue !== undefined &&
      !["testOnApply", "adoptId"].includes(String(c.path[0])),
  );
  let inDm: Promise<{ ids: Record<string, string>; handlers: SandboxHandler[] }> | undefined;
  const dmState = () =>
    (inDm ??= Promise.all([stack.outputs(), fixture.sandbox.handlers()]).then(([outputs, handlers]) => ({
      ids: outputs.handlers as Record<string, string>,
      handlers,
    })));
  it.each(dmVisible)("$name: the edit reached DM", async (c) => {
    const real = cases.find((r) => r.id === c.id)!;
    const { ids, handlers } = await dmState();
    const handler = handlers.find((h) => h.id === ids[c.id]);
    expect(handler, `handler of ${c.key}`).toBeDefined();
    const actual = getAt(handler, real.path);
    if (real.editedValue !== null && typeof real.editedValue === "object" && !Array.isArray(real.editedValue))
      expect(actual).toMatchObject(real.editedValue);
    else expect(actual).toEqual(real.editedValue);
  });
});
