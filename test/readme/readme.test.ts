import { InfluxDB } from "@influxdata/influxdb-client";
import { BucketsAPI } from "@influxdata/influxdb-client-apis";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type InfluxServer,
  type KafkaServer,
  type ProgramStack,
  startInfluxd,
  startKafka,
} from "../../testing";
import { useSandboxAndReceiver } from "../support/fixture";
import { repoRoot } from "../support/repoRoot";
import { changedProperties } from "./previewDiff";
import { composeProgram, readmeSnippets, writeProject } from "./readmeProgram";

/**
 * The README's snippets, pasted into one program as a new user would, run with the commands a user types:
 * `pulumi up --yes` on a fresh stack (its preview sees every output of a resource not yet created as
 * unknown), `pulumi preview --expect-no-changes`, then one edit of each kind of input (a secret, Kafka
 * credentials and properties, a template, a filter, retention, the token rotation, the domain), each
 * previewed with `pulumi preview --diff` showing that change and nothing else, applied, and converged;
 * finally `pulumi destroy --yes`, leaving nothing in DM or InfluxDB.
 */
const fixture = useSandboxAndReceiver();
let influx: InfluxServer;
let kafka: KafkaServer;
let stack: ProgramStack;

// The one literal the test environment cannot honour: its broker has no TLS listener.
const substitutions: Array<[string, string]> = [
  ['securityProtocol: "SASL_SSL"', 'securityProtocol: "SASL_PLAINTEXT"'],
];

beforeAll(async () => {
  [influx, kafka] = await Promise.all([startInfluxd(), startKafka()]);
  fixture.cleanups.push(
    () => influx.stop(),
    () => kafka.stop(),
  );
  const source = writeProject(
    path.join(repoRoot, ".test-work", `readme-${process.pid}`),
    composeProgram(readmeSnippets(), substitutions),
  );
  fixture.cleanups.push(async () => rmSync(source, { recursive: true, force: true }));
  const user = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-512")!;
  stack = await fixture.sandboxStack({
    program: source,
    config: {
      analyticsUrl: { value: `${fixture.receiver.url}/analytics` },
      analyticsToken: { value: "analytics-token-CANARY-1", secret: true },
      opsUrl: { value: `${fixture.receiver.url}/ops` },
      kafkaBootstrap: { value: kafka.bootstrapSasl },
      kafkaUser: { value: user.username },
      kafkaPassword: { value: user.password, secret: true },
      "influxdb:url": { value: influx.url },
      "influxdb:token": { value: influx.token, secret: true },
      "influxdb:org": { value: influx.org },
    },
  });
}, 600_000);

const editCode = (from: string, to: string) => {
  const file = path.join(stack.workDir, "index.ts");
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`the program no longer contains ${from}`);
  writeFileSync(file, text.replace(from, to));
};

describe.sequential("a program made of the README's snippets, through the pulumi CLI", () => {
  it("comes up on a fresh stack with `pulumi up --yes`, every part previewed as a create", async () => {
    const { previewOperations, operations } = await stack.up();
    const created = Object.keys(operations).sort();
    expect(created).toEqual(
      expect.arrayContaining(["broker", "climate", "climate-influx-handler", "kafka-stream", "ops-alerts"]),
    );
    expect(Object.values(previewOperations).every((op) => op === "create")).toBe(true);
    expect(Object.keys(previewOperations).sort()).toEqual(created);
    expect(await stack.outputs()).toMatchObject({
      lastTest: { successful: true },
      kafkaVerification: { successful: true },
    });
  });

  it("then `pulumi preview --expect-no-changes` passes", async () => {
    await stack.run(["preview", "--expect-no-changes"]);
  });

  const edits: Array<{
    kind: string;
    apply: () => Promise<void> | void;
    /** What `pulumi preview --diff` must show: per resource, its operation and the properties it changes. */
    expected: Record<string, { op: string; properties: string[] }>;
  }> = [
    {
      kind: "a webhook's secret, rotated in stack config",
      apply: () => stack.setConfig({ analyticsToken: { value: "analytics-token-CANARY-2", secret: true } }),
      expected: { climate: { op: "update", properties: ["secrets"] } },
    },
    {
      kind: "a Kafka password, rotated in stack config",
      apply: async () => {
        // The broker knows one password per user; both SCRAM users share a name, so switch mechanism and password.
        const other = kafka.scramUsers.find((u) => u.mechanism === "SCRAM-SHA-256")!;
        editCode('saslMechanism: "SCRAM-SHA-512"', 'saslMechanism: "SCRAM-SHA-256"');
        await stack.setConfig({ kafkaPassword: { value: other.password, secret: true } });
      },
      expected: {
        broker: { op: "update", properties: ["password", "saslMechanism"] },
        "kafka-stream": { op: "update", properties: ["secrets"] },
      },
    },
    {
      kind: "a Kafka producer property, in code",
      apply: () => editCode('"compression.type": "lz4"', '"compression.type": "gzip"'),
      expected: {
        broker: { op: "update", properties: ["extraProperties"] },
        "kafka-stream": { op: "update", properties: ["secrets"] },
      },
    },
    {
      kind: "a Kafka record header",
      apply: () =>
        editCode('headers: { device: "$endpointName" }', 'headers: { device: "$endpointName", v: "2" }'),
      expected: { "kafka-stream": { op: "update", properties: ["connectionConfig"] } },
    },
    {
      kind: "a webhook body template",
      apply: () => editCode('"celsius":"$value"', '"temperature":"$value"'),
      expected: { climate: { op: "update", properties: ["connectionConfig"] } },
    },
    {
      kind: "a lifecycle filter",
      apply: () =>
        editCode('eventTypes: ["deviceCreated", "deviceDeleted"]', 'eventTypes: ["deviceCreated"]'),
      expected: { "ops-alerts": { op: "update", properties: ["filter"] } },
    },
    {
      kind: "a bucket's retention",
      apply: () => editCode("retentionSeconds: 30 * 86400", "retentionSeconds: 7 * 86400"),
      expected: { "climate-influx-bucket": { op: "update", properties: ["retentionSeconds"] } },
    },
    {
      kind: "the token rotation",
      apply: () => editCode('tokenRotation: "2026-11"', 'tokenRotation: "2026-12"'),
      expected: {
        "climate-influx-token": { op: "replace", properties: ["rotation"] },
        "climate-influx-handler": { op: "update", properties: ["secrets"] },
      },
    },
    {
      kind: "the domain, which replaces the handler",
      apply: () => editCode('domain: "/acme/plant-1/"', 'domain: "/acme/plant-2/"'),
      expected: { climate: { op: "replace", properties: ["domain"] } },
    },
  ];

  it.each(edits)("$kind: previewed as that change alone, applied, converged", async ({ apply, expected }) => {
    await apply();
    const preview = await stack.run(["preview", "--diff"]);
    expect(changedProperties(preview.stdout), preview.stdout).toEqual(expected);
    await stack.up();
    await stack.run(["preview", "--expect-no-changes"]);
  });

  it("keeps every secret out of the state file", () => {
    const state = stack.stateFileText();
    for (const secret of ["analytics-token-CANARY-1", "analytics-token-CANARY-2", influx.token])
      expect(state).not.toContain(secret);
    for (const user of kafka.scramUsers) expect(state).not.toContain(user.password);
  });

  it("is destroyed by `pulumi destroy --yes` without a trace in DM or InfluxDB", async () => {
    await stack.destroy();
    expect(await fixture.sandbox.handlers()).toEqual([]);
    const buckets = await new BucketsAPI(new InfluxDB({ url: influx.url, token: influx.token })).getBuckets({
      name: "dm-climate",
    });
    expect(buckets.buckets ?? []).toEqual([]);
  });
});
