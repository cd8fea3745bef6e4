import { maskedSecret } from "../provider/schemas";
import type { StoredHandler } from "./store";
import { maskUriPassword } from "./uriPassword";

/** Where DM keeps write-only secrets in a connectionConfig (the same paths the provider lifts out). */
export const secretPaths = {
  webhook: ["auth.password", "auth.token", "auth.value"],
  kafka: ["value"],
} as const;

type Node = Record<string, unknown>;

export function getAt(object: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (node, key) => (node && typeof node === "object" ? (node as Node)[key] : undefined),
      object,
    );
}

export function setAt(object: Node, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop()!;
  const parent = keys.reduce<unknown>(
    (node, key) => (node && typeof node === "object" ? (node as Node)[key] : undefined),
    object,
  );
  if (parent && typeof parent === "object") (parent as Node)[last] = value;
}

/** The handler as the API shows it: DM's fields only, secrets masked unless masking is off. */
export function present(handler: StoredHandler, masking: boolean): Record<string, unknown> {
  const connectionConfig = structuredClone(handler.connectionConfig) as Node;
  if (masking) {
    for (const path of secretPaths[handler.type]) {
      if (typeof getAt(connectionConfig, path) === "string") setAt(connectionConfig, path, maskedSecret);
    }
    if (typeof connectionConfig.uri === "string")
      connectionConfig.uri = maskUriPassword(connectionConfig.uri);
  }
  return {
    id: handler.id,
    type: handler.type,
    name: handler.name,
    enabled: handler.enabled,
    description: handler.description ?? null,
    domain: handler.domain,
    filter: handler.filter,
    connectionConfig,
    allowFailures: handler.allowFailures ?? false,
    status: handler.status,
    createdAt: handler.createdAt,
  };
}
