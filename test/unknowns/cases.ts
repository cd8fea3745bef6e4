/**
 * The unknowns matrix: one case per feedable input of every resource (from the SDK's types, see
 * argumentPaths.ts). Each case is a resource whose input at that path comes from another resource's output,
 * so it is unknown during preview; the case knows the operation each phase must show.
 */
import type { OpType } from "@pulumi/pulumi/automation";
import { type ArgumentPath, argumentPaths, pathKey, type ResourceName, type Step } from "./argumentPaths";

export interface Environment {
  receiverUrl: string;
  influxUrl: string;
  org: string;
  orgId: string;
  /** A bucket made before the stack, for tokens and integrations that take an existing one. */
  bucketId: string;
  /** A write token of that bucket, for the integration that brings its own. */
  writeToken: string;
  /** A handler made by hand through the DM API, for adoption. */
  adoptHandlerId: string;
  /** A bucket made by hand, for adoption. */
  adoptBucketId: string;
}

type Args = Record<string, unknown>;

/** Secret sample values, each marked CANARY: none of them may ever appear in the state file. */
export const secretSamples = {
  password: "matrix-basic-pw-CANARY",
  token: "matrix-bearer-CANARY",
  customAuth: "Custom matrix-CANARY",
  kafkaValue: "bootstrap.servers=127.0.0.1:9092\nsasl.jaas.config=matrix-CANARY\n",
  kafkaPassword: "matrix-kafka-pw-CANARY",
};

/** The domain of the handler made by hand for the adoption case. */
export const adoptDomain = "/matrix/adopt/";

/** Full argument sets that between them hold every input; a case takes the first base holding its path. */
function bases(env: Environment): Array<{ resource: ResourceName; args: Args }> {
  const webhook = (auth: Args, filter: Args, extra: Args = {}): Args => ({
    type: "webhook",
    name: "matrix webhook",
    domain: "/matrix/", // each case gets a domain of its own below
    description: "matrix case",
    enabled: true,
    allowFailures: false,
    testOnApply: true,
    filter,
    connectionConfig: {
      uri: `${env.receiverUrl}/matrix`,
      method: "post",
      format: "generic",
      auth,
      additionalHeaders: { "X-Static": "static" },
      bodyTemplate: { contentType: "json", value: '{"device":"$endpointName"}' },
    },
    ...extra,
  });
  const telemetry = { type: "telemetry", lwm2mUrls: ["/3303/0/5700"] };
  const lifecycle = { type: "lifecycle", eventTypes: ["deviceCreated"] };
  const kafka = (connectionConfig: Args): Args => ({
    type: "kafka",
    name: "matrix kafka",
    domain: "/matrix/",
    enabled: true,
    testOnApply: false, // no broker in this test: the Kafka path is covered against a real one elsewhere
    filter: telemetry,
    connectionConfig,
  });
  const kafkaTarget = {
    topic: "matrix",
    headers: { device: "$endpointName" },
    bodyTemplate: { contentType: "json", value: '{"device":"$endpointName"}' },
  };
  return [
    {
      resource: "EventHandler",
      args: webhook({ type: "basic", user: "dm", password: secretSamples.password }, telemetry),
    },
    { resource: "EventHandler", args: webhook({ type: "token", token: secretSamples.token }, lifecycle) },
    {
      resource: "EventHandler",
      args: webhook({ type: "customAuth", value: secretSamples.customAuth }, telemetry),
    },
    {
      resource: "EventHandler",
      args: webhook({ type: "token", token: secretSamples.token }, telemetry, {
        adoptId: env.adoptHandlerId,
        domain: adoptDomain,
      }),
    },
    {
      resource: "EventHandler",
      args: kafka({ type: "custom", value: secretSamples.kafkaValue, ...kafkaTarget }),
    },
    { resource: "EventHandler", args: kafka({ type: "domainProperty", ...kafkaTarget }) },
    {
      resource: "KafkaConnection",
      args: {
        bootstrapServers: ["127.0.0.1:9092"],
        securityProtocol: "SASL_PLAINTEXT",
        saslMechanism: "SCRAM-SHA-512",
        username: "dm-producer",
        password: secretSamples.kafkaPassword,
        domain: "/matrix/kafka/",
        extraProperties: { acks: "all" },
        verify: false,
        verifyTopic: "verify",
      },
    },
    {
      resource: "InfluxBucket",
      args: { name: "matrix", org: env.org, retentionSeconds: 3600, description: "matrix case" },
    },
    { resource: "InfluxBucket", args: { name: "matrix-by-id", orgId: env.orgId, retentionSeconds: 0 } },
    {
      resource: "InfluxBucket",
      args: { name: "matrix-adopted", orgId: env.orgId, adoptId: env.adoptBucketId },
    },
    {
      resource: "InfluxToken",
      args: {
        org: env.org,
        description: "matrix case",
        status: "active",
        rotation: "1",
        permissions: [{ action: "write", resource: { type: "buckets", id: env.bucketId, orgID: env.orgId } }],
      },
    },
    {
      resource: "InfluxToken",
      args: {
        orgId: env.orgId,
        permissions: [{ action: "read", resource: { type: "buckets", id: env.bucketId } }],
      },
    },
    {
      resource: "InfluxBucketIntegration",
      args: {
        influxUrl: env.influxUrl,
        orgId: env.orgId,
        bucket: { name: "matrix-integration", retentionSeconds: 3600, description: "matrix case" },
        tokenRotation: "1",
        handler: {
          name: "matrix to influx",
          domain: "/matrix/",
          description: "matrix case",
          enabled: true,
          testOnApply: true,
          filter: telemetry,
        },
      },
    },
    {
      resource: "InfluxBucketIntegration",
      args: {
        influxUrl: env.influxUrl,
        orgId: env.orgId,
        bucketId: env.bucketId,
        token: env.writeToken,
        handler: {
          name: "matrix lifecycle to influx",
          filter: lifecycle,
          bodyTemplate: "deviceEvent,endpointName=$endpointName value=1 $timestamp",
        },
      },
    },
  ];
}

export function getAt(value: unknown, path: readonly Step[]): unknown {
  return path.reduce<unknown>((node, step) => {
    if (node === null || typeof node !== "object") return undefined;
    if (step === "*") return Object.values(node)[0];
    return (node as Record<string | number, unknown>)[step];
  }, value);
}

/** The concrete path in a given value: "*" becomes the map's first key. */
export function concretePath(value: unknown, path: readonly Step[]): Step[] {
  const concrete: Step[] = [];
  for (const step of path) {
    const node = getAt(value, concrete);
    concrete.push(step === "*" && node && typeof node === "object" ? Object.keys(node)[0]! : step);
  }
  return concrete;
}

/** True when `value` holds the path with the union members the path went through. */
function holds(value: unknown, entry: ArgumentPath): boolean {
  for (const [at, variant] of Object.entries(entry.variants)) {
    const node = getAt(value, at === "" ? [] : at.split("."));
    if (!node || (node as { type?: unknown }).type !== variant) return false;
  }
  return getAt(value, entry.path) !== undefined;
}

/** How a phase changes a fed value: "same" keeps it (only its knowability changes), else an edit. */
function editedLeaf(entry: ArgumentPath, value: unknown, key: string): unknown {
  const overrides: Record<string, (v: never) => unknown> = {
    ".domain": (v: string) => `${v}edited/`,
    "KafkaConnection.securityProtocol": () => "SASL_SSL",
    "lwm2mUrls[0]": () => "/3303/0/5701",
    "bootstrapServers[0]": () => "127.0.0.2:9092",
    "connectionConfig<custom>.value": () => secretSamples.kafkaValue.replace("127.0.0.1", "127.0.0.2"),
    "bodyTemplate.value": (v: string) => (v.startsWith("{") ? '{"edited":"$endpointName"}' : `${v}-edited`),
    "bodyTemplate.contentType": () => "text",
    "InfluxBucketIntegration.influxUrl": (v: string) => v.replace("127.0.0.1", "localhost"),
    "InfluxBucketIntegration.handler.bodyTemplate": () =>
      "edited,endpointName=$endpointName value=1 $timestamp",
    "connectionConfig.uri": (v: string) => `${v}-edited`,
    "eventTypes[0]": () => "deviceDeleted",
  };
  for (const [suffix, edit] of Object.entries(overrides))
    if (key.endsWith(suffix)) return edit(value as never);
  switch (entry.kind) {
    case "literal":
      return entry.literals!.find((l) => l !== value);
    case "boolean":
      return !value;
    case "number":
      return (value as number) + 3600;
    case "string":
      return `${value as string}-edited`;
    default:
      return undefined;
  }
}

/** Inputs whose edit cannot be made here (another organization, another existing object, a broker to verify). */
const notEditable = [
  /\.org$/,
  /\.orgId$/,
  /\.orgID$/,
  /resource\.id$/,
  /\.bucketId$/,
  /\.adoptId$/,
  /InfluxBucketIntegration\.token$/,
  /KafkaConnection\.verify$/,
  /\.allowFailures$/, // needs DM's elevated permission
  /resource\.type$/,
  /^EventHandler<kafka>.*bodyTemplate\.contentType$/, // Kafka bodies must be JSON
];

export interface MatrixCase {
  id: string;
  key: string;
  resource: ResourceName;
  args: Args;
  /** The concrete path of the fed input in args. */
  path: Step[];
  fedValue: unknown;
  /** The value the edit phase feeds, or undefined when the input cannot be edited here. */
  editedValue: unknown;
  /** The name of the resource whose operation is checked (a component's part for integrations). */
  target: string;
  /** What a preview must plan for the target while the input is unknown on an existing stack. */
  unknownOp: OpType;
  /** What the edit must plan and apply. */
  editOp: OpType;
}

/** Inputs that replace their resource when they change (so an unknown one may, too). */
const replacing: RegExp[] = [
  /^EventHandler\.domain$/,
  /^InfluxBucket\.(org|orgId)$/,
  /^InfluxToken\.(org|orgId|rotation|permissions.*)$/,
  /^InfluxBucketIntegration\.(tokenRotation|handler\.domain)$/,
];
/** Inputs only read on create. */
const createOnly = [/\.adoptId$/];

export function matrixCases(env: Environment): { cases: MatrixCase[]; uncovered: string[] } {
  const all = bases(env);
  const cases: MatrixCase[] = [];
  const uncovered: string[] = [];
  const seen = new Set<string>();
  for (const entry of argumentPaths().filter((p) => p.feedable)) {
    const key = pathKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    const base = all.find((b) => b.resource === entry.resource && holds(b.args, entry));
    if (!base) {
      uncovered.push(key);
      continue;
    }
    const id = `c${cases.length}`;
    const args = structuredClone(base.args);
    // Each case lives in a domain of its own: DM allows 10 handlers per domain.
    if (entry.resource === "EventHandler" && !args.adoptId) args.domain = `/matrix/${id}/`;
    if (entry.resource === "InfluxBucketIntegration") (args.handler as Args).domain = `/matrix/${id}/`;
    if (entry.resource === "InfluxBucket" && !args.adoptId) args.name = `${args.name as string}-${id}`;
    if (entry.resource === "InfluxBucketIntegration" && args.bucket)
      (args.bucket as Args).name = `matrix-integration-${id}`;
    const path = concretePath(args, entry.path);
    const fedValue = getAt(args, path);
    const editable = !notEditable.some((pattern) => pattern.test(key));
    const editedValue = editable ? editedValueOf(entry, args, key) : undefined;
    const shortKey = key.replace(/<[^>]*>/g, "");
    const op: OpType = replacing.some((p) => p.test(shortKey)) ? "replace" : "update";
    cases.push({
      id,
      key,
      resource: entry.resource,
      args,
      path,
      fedValue,
      editedValue,
      target: targetOf(entry.resource, id, entry.path),
      unknownOp: createOnly.some((p) => p.test(key)) ? "same" : op,
      editOp: op,
    });
  }
  return { cases, uncovered };

  /** A whole object, list or map is edited through its first editable leaf (of the union members in use). */
  function editedValueOf(entry: ArgumentPath, args: Args, key: string): unknown {
    const at = concretePath(args, entry.path);
    if (entry.kind !== "object" && entry.kind !== "array" && entry.kind !== "map")
      return editedLeaf(entry, getAt(args, at), key);
    const copy = structuredClone(args);
    const leaves = argumentPaths().filter(
      (p) =>
        p.resource === entry.resource &&
        p.path.length > entry.path.length &&
        entry.path.every((step, i) => p.path[i] === step) &&
        !["object", "array", "map"].includes(p.kind) &&
        holds(copy, p),
    );
    for (const leaf of leaves) {
      const leafKey = pathKey(leaf);
      if (notEditable.some((pattern) => pattern.test(leafKey))) continue;
      const leafAt = concretePath(copy, leaf.path);
      const edited = editedLeaf(leaf, getAt(copy, leafAt), leafKey);
      if (edited === undefined) continue;
      setAt(copy, leafAt, edited);
      return getAt(copy, at);
    }
    return undefined;
  }
}

export function setAt(target: unknown, path: readonly Step[], value: unknown): void {
  const parent = getAt(target, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
}

/** The resource a case's input lands on: itself, or for an integration, the part the input belongs to. */
function targetOf(resource: ResourceName, id: string, path: readonly Step[]): string {
  const name = `r-${id}`;
  if (resource !== "InfluxBucketIntegration") return name;
  const first = path[0];
  if (first === "bucket") return `${name}-bucket`;
  if (first === "tokenRotation") return `${name}-token`;
  return `${name}-handler`;
}
