import * as pulumi from "@pulumi/pulumi";
import { getPath, type HandlerKind, secretPaths } from "../provider/schemas/secrets";

type Node = Record<string, unknown>;

/** A value the program already holds as a plain object (as opposed to an Output or a Promise of one). */
const isPlainObject = (value: unknown): value is Node =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  !pulumi.Output.isInstance(value) &&
  typeof (value as { then?: unknown }).then !== "function";

const omit = (value: unknown, key: string): unknown => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { [key]: _removed, ...rest } = value as Node;
  return rest;
};

/** Any Input as an Output of its plain value (nested Outputs resolved, secretness kept). */
const outputOf = (input: unknown) => pulumi.output(input as pulumi.Input<object>) as pulumi.Output<unknown>;

/** A path inside a value that may itself be an Output: resolved lazily, absent leaves become undefined. */
function leafOf(input: unknown, keys: string[]): pulumi.Output<unknown> {
  return outputOf(input).apply((value) => getPath(value, keys));
}

/** The part of `input` without the secret leaves at `paths`, keeping every plain level plain. */
function publicPart(input: unknown, paths: string[][]): unknown {
  if (paths.length === 0 || input === undefined || input === null) return input;
  if (!isPlainObject(input)) {
    // An Output (or Promise) of an object: its public part can only be computed when it resolves.
    return outputOf(input).apply((value) => publicPart(value, paths));
  }
  let result: unknown = input;
  for (const key of new Set(paths.map((p) => p[0]!))) {
    const below = paths.filter((p) => p[0] === key && p.length > 1).map((p) => p.slice(1));
    if (paths.some((p) => p[0] === key && p.length === 1)) result = omit(result, key);
    else if (key in input) result = { ...(result as Node), [key]: publicPart(input[key], below) };
  }
  return result;
}

/** The secret leaves of `input`, each one found without resolving anything above it that is plain. */
function secretLeaves(input: unknown, paths: string[][], prefix: string[] = []): Record<string, unknown> {
  const leaves: Record<string, unknown> = {};
  if (input === undefined || input === null) return leaves;
  if (!isPlainObject(input)) {
    for (const path of paths) leaves[[...prefix, ...path].join(".")] = leafOf(input, path);
    return leaves;
  }
  for (const path of paths) {
    const [key, ...rest] = path as [string, ...string[]];
    if (!(key in input)) continue;
    if (rest.length === 0) leaves[[...prefix, key].join(".")] = input[key];
    else Object.assign(leaves, secretLeaves(input[key], [rest], [...prefix, key]));
  }
  return leaves;
}

/**
 * Splits a handler's `connectionConfig` input into its public part and its secret leaves (keyed by path,
 * e.g. "auth.token"). Each leaf travels as its own Pulumi secret, so the state keeps it encrypted whatever
 * the caller wrapped in `pulumi.secret()`, and a leaf that is unknown during preview stays one unknown
 * leaf instead of turning the whole map into an unknown value. Objects given as Outputs are split when
 * they resolve; an unknown one leaves every secret it may hold unknown.
 */
export function splitSecretInputs(
  kind: pulumi.Input<HandlerKind>,
  connectionConfig: unknown,
): { config: unknown; secrets: Record<string, pulumi.Output<unknown>> } {
  // The kind is a literal in every typed program; an Output of it means the paths of both kinds apply.
  const kinds: HandlerKind[] = typeof kind === "string" ? [kind] : ["webhook", "kafka"];
  const paths = [...new Set(kinds.flatMap((k) => secretPaths[k]))].map((p) => p.split("."));
  const leaves = secretLeaves(connectionConfig, paths);
  const secrets = Object.fromEntries(
    Object.entries(leaves).map(([path, value]) => [
      path,
      pulumi.secret(value as pulumi.Input<unknown>) as pulumi.Output<unknown>,
    ]),
  );
  return { config: publicPart(connectionConfig, paths), secrets };
}
