import type { DmClient } from "../../client/dmClient";
import { AmbiguousWriteError } from "../../client/errors";
import { sleep } from "../../client/retry";
import { type EventHandler, handlerApiPath } from "../../schemas";
import { fieldChanged, stateFromApi, toCreateBody } from "./model";
import type { HandlerState } from "./types";

/**
 * Lost creates are recovered by looking for the handler DM may have made anyway. Two resources with the
 * same name and configuration in one domain ("twins") look alike in DM, so the search alone cannot tell
 * whose handler it found. Two rules keep twins apart within one provider process (the engine runs every
 * EventHandler of a deployment in one): a handler some create of this process already holds is never
 * taken again, and creates that could make look-alike handlers run one after another, so a search never
 * sees a twin's handler before that twin has claimed it.
 */
const claimedIds = new Set<string>();
const createQueues = new Map<string, Promise<unknown>>();

/** Records that a resource of this process holds the handler, so no lost-create search takes it. */
export function claimHandler(id: string): void {
  claimedIds.add(id);
}

/**
 * Runs `action` after every earlier create of a handler with the same type, domain and name has finished.
 * Handlers that differ in any of these never match each other's search, so they still run in parallel.
 */
function oneCreateAtATime<T>(desired: HandlerState, action: () => Promise<T>): Promise<T> {
  const key = JSON.stringify([desired.type, desired.domain ?? "", desired.name]);
  const run = (createQueues.get(key) ?? Promise.resolve()).then(action, action);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  createQueues.set(key, settled);
  void settled.then(() => {
    if (createQueues.get(key) === settled) createQueues.delete(key);
  });
  return run;
}

/** Several unclaimed handlers match a lost create: the provider will not guess which one it made. */
class AmbiguousCreateError extends Error {
  override name = "AmbiguousCreateError";
}

/** Where a handler lives, for messages: "in domain /acme/", or the token's own domain when none is set. */
const whereOf = (state: HandlerState) =>
  state.domain ? `in domain ${state.domain}` : "in the token's default domain";

/**
 * Creates the handler once. When the answer is lost (dropped connection, timeout, 5xx) the write may or
 * may not have happened, so before trying again it looks for the handler, giving a slow server a few
 * seconds to finish; only when it is surely absent does it send the create again. Look-alike creates run
 * one at a time and every id is claimed, so two resources never end up holding the same handler.
 */
export function createWithoutDuplicates(
  client: DmClient,
  desired: HandlerState,
  label: string,
): Promise<string> {
  return oneCreateAtATime(desired, async () => {
    for (let attempt = 1; ; attempt++) {
      const startedAt = new Date();
      try {
        const id = await client.create(desired.type, toCreateBody(desired), desired.domain, label);
        claimHandler(id);
        return id;
      } catch (error) {
        if (!(error instanceof AmbiguousWriteError)) throw error;
        for (const waitMs of [0, 1_000, 3_000]) {
          await sleep(waitMs);
          // A failing search must not hide that the handler may exist, so its error says so.
          const found = await findCreatedHandler(client, desired, startedAt).catch((searchError: unknown) => {
            throw searchError instanceof AmbiguousCreateError
              ? searchError
              : lostCreateError(client, desired, error, searchError);
          });
          if (found) return found;
        }
        if (attempt >= 3) throw lostCreateError(client, desired, error);
      }
    }
  });
}

function ambiguity(desired: HandlerState, candidates: EventHandler[]): AmbiguousCreateError {
  const list = candidates.map((h) => `${h.id}${h.createdAt ? ` (created ${h.createdAt})` : ""}`).join(", ");
  return new AmbiguousCreateError(
    `Coiote DM: the answer to create ${desired.type} handler ${JSON.stringify(desired.name)} ${whereOf(desired)} was lost, ` +
      `and ${candidates.length} handlers in DM match it that no other resource holds: ${list}. ` +
      "The provider cannot tell which one this create made. Set adoptId to the id of the one to keep on this " +
      `resource, delete the others (DELETE ${handlerApiPath}/<id>), and run \`pulumi up\` again.`,
  );
}

/**
 * After a create whose answer was lost, finds the handler DM may have created anyway, so a retry adopts it
 * instead of making a duplicate, and claims it. A match has the same type, name and configuration
 * (secrets aside: DM masks them) and is held by no other resource of this process. Throws
 * AmbiguousCreateError when several match.
 */
async function findCreatedHandler(
  client: DmClient,
  desired: HandlerState,
  notBefore: Date,
): Promise<string | undefined> {
  const handlers = await client.list(desired.domain);
  // Where DM says when a handler was made, older ones cannot be ours (a minute of clock skew allowed).
  const earliest = notBefore.getTime() - 60_000;
  const matches = handlers.filter((handler) => {
    if (claimedIds.has(handler.id) || handler.type !== desired.type) return false;
    if (handler.createdAt && Date.parse(handler.createdAt) < earliest) return false;
    const current = stateFromApi(handler, desired);
    return (["name", "enabled", "description", "filter", "connectionConfig", "allowFailures"] as const).every(
      (field) => !fieldChanged(current, desired, field),
    );
  });
  if (matches.length > 1) throw ambiguity(desired, matches);
  const found = matches[0]?.id;
  if (found) claimHandler(found);
  return found;
}

const withoutPrefix = (message: string) =>
  message.replace(/^Coiote DM: /, "").replace(/; the write may have happened$/, "");

/**
 * The error for a create that may have happened but was not recovered: the search for it failed, or found
 * nothing. DM may hold a handler the stack does not know, so the message names it and says how to take it
 * over, since a plain retry would create a second one.
 */
function lostCreateError(
  client: DmClient,
  desired: HandlerState,
  createError: AmbiguousWriteError,
  searchError?: unknown,
): AmbiguousWriteError {
  const name = JSON.stringify(desired.name);
  const search =
    searchError === undefined
      ? "and looking for it found nothing yet"
      : `and looking for it failed (${withoutPrefix(searchError instanceof Error ? searchError.message : String(searchError))})`;
  return new AmbiguousWriteError(
    `Coiote DM: create ${desired.type} handler ${name} ${whereOf(desired)} may have happened: its answer was lost ` +
      `(${withoutPrefix(createError.message)}), ${search}. DM may hold this handler while the stack does not. ` +
      `Find it with GET ${client.listUrl(desired.domain)} (a ${desired.type} handler named ${name}); if it is there, ` +
      'set adoptId: "<its id>" on this resource and run `pulumi up` again to take it over (without adoptId ' +
      "`pulumi up` creates a second one); if it is not, run `pulumi up` again.",
    createError.operation,
    createError.status,
    createError.dmCode,
  );
}
