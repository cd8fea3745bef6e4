import type { DmClient } from "../../client/dmClient";
import { type ApiHandler, fieldChanged, type HandlerState, stateFromApi } from "./model";
import { parseHandlerList } from "./validate";

/**
 * After a create whose answer was lost, finds the handler DM may have created anyway, so a retry adopts it
 * instead of making a duplicate. A match has the same type, name and configuration (secrets aside: DM
 * masks them). When several match, the newest is taken, since it is the one this create just made.
 */
export async function findCreatedHandler(
  client: DmClient,
  desired: HandlerState,
  notBefore: Date,
): Promise<string | undefined> {
  const handlers = await client.list<ApiHandler & { createdAt?: string }>(desired.domain, parseHandlerList);
  // Where DM says when a handler was made, older ones cannot be ours (a minute of clock skew allowed).
  const earliest = notBefore.getTime() - 60_000;
  const matches = handlers.filter((handler) => {
    if (handler.type !== desired.type) return false;
    if (handler.createdAt && Date.parse(handler.createdAt) < earliest) return false;
    const current = stateFromApi(handler, desired);
    return (["name", "enabled", "description", "filter", "connectionConfig", "allowFailures"] as const).every(
      (field) => !fieldChanged(current, desired, field),
    );
  });
  matches.sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""));
  return matches.at(-1)?.id;
}
