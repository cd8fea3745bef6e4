import { isObject, isUnknown, sameValue, sortedUnique } from "../../canonical";
import {
  connectionConfigWithDefaults,
  type EventHandler,
  type Filter,
  getPath,
  type HandlerKind,
  joinSecrets,
  maskedSecret,
  normalizeDomain,
  presentSecrets,
  type SecretMap,
  splitSecrets,
  withDefaults,
} from "../../schemas";
import type { HandlerState } from "./types";

/**
 * The canonical forms below are total: during preview any part of a state may be the engine's unknown
 * placeholder, or anything a program put there, and they leave whatever they do not understand as it is.
 */
const sortedIfList = <T extends string>(values: T[]): T[] =>
  Array.isArray(values) ? sortedUnique(values) : values;

function canonicalFilter(filter: Filter): Filter {
  if (!isObject(filter)) return filter;
  if (filter.type === "telemetry") return { ...filter, lwm2mUrls: sortedIfList(filter.lwm2mUrls) };
  if (filter.type === "lifecycle") return { ...filter, eventTypes: sortedIfList(filter.eventTypes) };
  return filter;
}

/** Defaults filled in and spellings unified, so an omitted default never looks like a change. */
export function canonicalConnectionConfig(
  kind: HandlerKind,
  config: Record<string, unknown>,
): Record<string, unknown> {
  if (!isObject(config)) return config;
  const withDefaultsFilled = connectionConfigWithDefaults(kind, config);
  if (kind === "webhook") return withDefaultsFilled;
  // DM may answer with the plural spelling; both mean "use the domain's Kafka properties"
  // (docs/dm-contract.md § 1).
  const type = config.type === "domainProperties" ? "domainProperty" : config.type;
  return { ...withDefaultsFilled, type };
}

/** Normalises a state so that two states the user would call equal compare equal. */
export function canonicalState(state: HandlerState): HandlerState {
  const filled = withDefaults(state);
  return {
    ...filled,
    description: filled.description === "" ? null : filled.description,
    domain:
      typeof state.domain === "string" && !isUnknown(state.domain)
        ? normalizeDomain(state.domain)
        : state.domain,
    filter: canonicalFilter(state.filter),
    connectionConfig: canonicalConnectionConfig(state.type, state.connectionConfig),
    secrets: presentSecrets(state.secrets),
  };
}

// A diff asks field by field, up to a dozen times for the same two states: each is canonicalised once.
// Keyed by the state object, which nothing changes once it has been handed to a provider method.
const canonicalStates = new WeakMap<HandlerState, HandlerState>();
function canonicalOnce(state: HandlerState): HandlerState {
  if (!isObject(state)) return canonicalState(state);
  let canonical = canonicalStates.get(state);
  if (!canonical) canonicalStates.set(state, (canonical = canonicalState(state)));
  return canonical;
}

export function fieldChanged(olds: HandlerState, news: HandlerState, field: keyof HandlerState): boolean {
  // A field's canonical form depends on the field and the handler's type only, so a field with the very
  // same JSON in two states of one type is unchanged. That is the common case (every diff of a refresh and
  // of a no-op `up`: read and check both return canonical states), and V8's JSON.stringify costs a
  // fraction of canonicalising both states.
  if (olds.type === news.type && JSON.stringify(olds[field]) === JSON.stringify(news[field])) return false;
  return !sameValue(canonicalOnce(olds)[field], canonicalOnce(news)[field]);
}

/** The JSON body for create (and for test/webhook|kafka): secrets joined back in. */
export function toCreateBody(state: HandlerState): Record<string, unknown> {
  return apiBody(canonicalState(state), joinSecrets);
}

/** A state's DM fields (the configuration DM keeps) with the secrets joined into connectionConfig by `join`. */
export function apiBody(
  state: HandlerState,
  join: (config: Record<string, unknown>, secrets: SecretMap) => unknown,
): Record<string, unknown> {
  const { type, name, enabled, description, filter, allowFailures } = state;
  return {
    type,
    name,
    enabled,
    description,
    filter,
    connectionConfig: join(state.connectionConfig, state.secrets),
    allowFailures,
  };
}

/** The body for PUT: everything DM can update (type and domain are immutable), connectionConfig whole. */
export function toUpdateBody(state: HandlerState): Record<string, unknown> {
  const { type: _type, ...body } = toCreateBody(state);
  return body;
}

/**
 * DM masks a password in a webhook uri's userinfo (`http://user:********@host/`). When that mask is all
 * that differs from the uri in the state, the state's uri is the truth; any other difference is drift.
 */
function unmaskUri(read: unknown, previous: unknown): unknown {
  if (typeof read !== "string" || typeof previous !== "string" || !read.includes(maskedSecret)) return read;
  try {
    const readUrl = new URL(read);
    const previousUrl = new URL(previous);
    if (decodeURIComponent(readUrl.password) !== maskedSecret) return read;
    readUrl.password = previousUrl.password;
    return readUrl.href === previousUrl.href ? previous : read;
  } catch {
    return read;
  }
}

/**
 * The state a handler read from DM corresponds to. Masked secrets (and secrets DM does not return) keep
 * the value the state already holds: DM never reveals them, so they are never a change and never written back.
 */
export function stateFromApi(handler: EventHandler, previous: HandlerState): HandlerState {
  const { config, secrets: readSecrets } = splitSecrets<string>(handler.type, handler.connectionConfig);
  const secrets: SecretMap = {};
  const previousSecrets = previous.secrets ?? {};
  for (const path of new Set([...Object.keys(readSecrets), ...Object.keys(previousSecrets)])) {
    const read = readSecrets[path];
    const parentPath = path.split(".").slice(0, -1).join(".");
    const parent = parentPath === "" ? config : getPath(config, parentPath);
    const parentExists = typeof parent === "object" && parent !== null;
    // A secret DM left out is still there if its parent object is (DM may omit rather than mask).
    const value =
      read === maskedSecret || (read === undefined && parentExists) ? previousSecrets[path] : read;
    if (value !== undefined) secrets[path] = value;
  }
  return canonicalState({
    type: handler.type,
    name: handler.name,
    enabled: handler.enabled,
    description: handler.description ?? null,
    domain: handler.domain ?? previous.domain,
    filter: handler.filter,
    connectionConfig:
      handler.type === "webhook" && isObject(config)
        ? { ...config, uri: unmaskUri(config.uri, previous.connectionConfig?.uri) }
        : config,
    secrets,
    allowFailures: handler.allowFailures ?? false,
    testOnApply: previous.testOnApply,
    adoptId: previous.adoptId,
    lastTest: previous.lastTest,
  });
}
