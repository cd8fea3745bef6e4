/**
 * Where DM keeps write-only secrets inside a handler's connectionConfig (docs/dm-contract.md § 5): the
 * sandbox masks them, the provider never shows a masked one as a change. The SDK lifts these leaves out of
 * `connectionConfig` into one secret `secrets` input keyed by path, so the state holds them encrypted
 * whatever the user wrapped in pulumi.secret(), and the rest of the config stays readable in diffs.
 * The same functions serve the SDK (leaves may be pulumi Inputs) and the provider (plain JSON).
 */
export const secretPaths = {
  webhook: ["auth.password", "auth.token", "auth.value"],
  kafka: ["value"],
} as const;

export type HandlerKind = keyof typeof secretPaths;
export type SecretMap<T = string> = Record<string, T>;

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at a dotted path or a key list (array indices too); undefined past a non-object. */
export function getPath(object: unknown, path: string | readonly PropertyKey[]): unknown {
  const keys = typeof path === "string" ? path.split(".") : path;
  return keys.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Node)[key as string] : undefined),
    object,
  );
}

/** Returns a copy of `object` with `path` set (or removed when value is undefined), copying only along the path. */
export function withPath(object: Node, path: string, value: unknown): Node {
  return withKeys(object, path.split("."), value);
}

function withKeys(object: Node, keys: string[], value: unknown): Node {
  const [key, ...rest] = keys;
  const copy = { ...object };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key!];
    else copy[key!] = value;
    return copy;
  }
  const child = copy[key!];
  if (!isNode(child)) return copy; // the parent is absent: nothing to set or remove
  copy[key!] = withKeys(child, rest, value);
  return copy;
}

/** Splits a connectionConfig into its public part and the secret leaves that are present. */
export function splitSecrets<T>(kind: HandlerKind, config: Node): { config: Node; secrets: SecretMap<T> } {
  let publicPart = config;
  const secrets: SecretMap<T> = {};
  for (const path of secretPaths[kind]) {
    const value = getPath(config, path);
    if (value !== undefined && value !== null) {
      secrets[path] = value as T;
      publicPart = withPath(publicPart, path, undefined);
    }
  }
  return { config: publicPart, secrets };
}

/**
 * Puts the secret leaves back, building the body DM expects. A leaf without a value (an SDK that resolved
 * an absent secret of an object given as an Output sends null) is no secret at all.
 */
export function joinSecrets(config: Node, secrets: SecretMap<unknown>): Node {
  let full = config;
  for (const [path, value] of Object.entries(secrets)) {
    if (value !== null && value !== undefined) full = withPath(full, path, value);
  }
  return full;
}

/** The secret leaves that hold a value; anything but a map (an unknown one during preview) is kept as it is. */
export function presentSecrets<T>(secrets: SecretMap<T | null | undefined> | undefined): SecretMap<T> {
  if (!isNode(secrets)) return (secrets ?? {}) as SecretMap<T>;
  return Object.fromEntries(
    Object.entries(secrets).filter(([, value]) => value !== null && value !== undefined),
  ) as SecretMap<T>;
}
