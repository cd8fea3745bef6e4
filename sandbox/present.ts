import { type EventHandler, getPath, maskedSecret, secretPaths, withPath } from "../provider/schemas";
import type { StoredHandler } from "./store";
import { maskUriPassword } from "./uriPassword";

/** The handler as the API shows it: DM's fields only, secrets masked unless masking is off. */
export function present(handler: StoredHandler, masking: boolean): EventHandler {
  let connectionConfig = structuredClone(handler.connectionConfig) as Record<string, unknown>;
  if (masking) {
    for (const path of secretPaths[handler.type])
      if (typeof getPath(connectionConfig, path) === "string")
        connectionConfig = withPath(connectionConfig, path, maskedSecret);
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
