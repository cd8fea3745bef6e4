import * as pulumi from "@pulumi/pulumi";
import * as coiote from "pulumi-coiote";

/**
 * The unknowns matrix (test/unknowns/): one resource per case, with the input at the case's path taken
 * from a Feeder's output. A Feeder's `value` is computed on create, so while a Feeder is created or
 * replaced its value is unknown to the preview, exactly as the output of any real resource would be.
 */
interface Case {
  id: string;
  resource: "EventHandler" | "KafkaConnection" | "InfluxBucket" | "InfluxToken" | "InfluxBucketIntegration";
  args: Record<string, unknown>;
  path: Array<string | number>;
  value: unknown;
  nonce: string;
  /** The value holds a secret: the feeder keeps it one, as a real resource's secret output would be. */
  secret: boolean;
}

const feederProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return {
      id: `feed-${inputs.nonce}-${Date.now()}`,
      outs: { ...inputs, value: JSON.parse(inputs.source) },
    };
  },
  async diff(_id, olds, news) {
    const changed = olds.source !== news.source || olds.nonce !== news.nonce;
    return { changes: changed, replaces: changed ? ["source"] : [], deleteBeforeReplace: false };
  },
};

class Feeder extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<unknown>;
  constructor(name: string, value: unknown, nonce: string, secret: boolean) {
    const source = JSON.stringify(value);
    super(
      feederProvider,
      name,
      { source: secret ? pulumi.secret(source) : source, nonce, value: undefined },
      { additionalSecretOutputs: secret ? ["value"] : [] },
      "matrix",
      "Feeder",
    );
  }
}

function withValueAt(args: Record<string, unknown>, path: Array<string | number>, value: unknown) {
  const copy = structuredClone(args);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the arguments come from the matrix, typed there */
const constructors: Record<Case["resource"], (name: string, args: any) => pulumi.Resource> = {
  EventHandler: (name, args) => new coiote.EventHandler(name, args),
  KafkaConnection: (name, args) => new coiote.KafkaConnection(name, args),
  InfluxBucket: (name, args) => new coiote.InfluxBucket(name, args),
  InfluxToken: (name, args) => new coiote.InfluxToken(name, args),
  InfluxBucketIntegration: (name, args) => new coiote.InfluxBucketIntegration(name, args),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

// A secret config value (it holds the cases' secret samples), read as a plain object because the resources
// must be declared now; every secret in it reaches the resources as a secret (see Feeder and the SDK).
const cases = new pulumi.Config().requireObject<Case[]>("cases");
const handlerIds: Record<string, pulumi.Output<string>> = {};
for (const c of cases) {
  const feeder = new Feeder(`feed-${c.id}`, c.value, c.nonce, c.secret);
  const resource = constructors[c.resource](`r-${c.id}`, withValueAt(c.args, c.path, feeder.value));
  if (resource instanceof coiote.EventHandler) handlerIds[c.id] = resource.id;
  if (resource instanceof coiote.InfluxBucketIntegration) handlerIds[c.id] = resource.handlerId;
}

export const handlers = handlerIds;
