import type { z } from "zod";
import {
  eventHandlerConfigurationSchema,
  headerBreakingCharacters,
  type EventHandlerConfiguration,
  isReservedNonAuthHeader,
  issuePath,
  kafkaHandlerUpdateSchema,
  maxCustomHeaders,
  webhookHandlerUpdateSchema,
} from "../provider/schemas";
import { codes, DmError, payloadError } from "./errors";
import type { StoredHandler } from "./store";

/**
 * Zod issues as DM's answer: 4003 for a malformed LwM2M path (as DM documents), 4000 for everything else,
 * an empty `lwm2mUrls` list included (no path is wrong there; the payload is).
 */
export function invalidPayload(error: z.ZodError): DmError {
  const lwm2m = error.issues.some((issue) => {
    const at = issue.path.indexOf("lwm2mUrls");
    return at >= 0 && typeof issue.path[at + 1] === "number";
  });
  return new DmError(
    lwm2m ? codes.invalidLwm2mUrlOrNoKafkaProperty : codes.invalidPayload,
    `invalid payload: ${issueList(error.issues.slice(0, 3))}`,
  );
}

/** Zod issues as one line: `path: message; path: message`. */
export function issueList(issues: readonly z.core.$ZodIssue[]): string {
  // `filter.lwm2mUrls[0]`: the same property paths the provider reports at preview; "body" for the whole.
  return issues.map((issue) => `${issuePath(issue.path) || "body"}: ${issue.message}`).join("; ");
}

/** The schema's output, or `toError`'s DmError for its issues (DM's answer by default). */
export function parseOr<S extends z.ZodType>(
  schema: S,
  body: unknown,
  toError = invalidPayload,
): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw toError(result.error);
  return result.data;
}

type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Outside strict mode the sandbox accepts the header names DM's UI reserves (all but Authorization, which
 * is always refused: docs/dm-contract.md § 2), as DM's API might: they are lifted out before the shared
 * schema (which refuses them, as a careful client should) and put back afterwards. The dispatcher never
 * sends them.
 */
function parseLeniently<T>(body: unknown, parse: (body: unknown) => T): T {
  if (!isObject(body) || !isObject(body.connectionConfig)) return parse(body);
  const connection = body.connectionConfig;
  const headers = connection.additionalHeaders;
  if (!isObject(headers)) return parse(body);
  const lifted = Object.entries(headers).filter(
    ([name, value]) => isReservedNonAuthHeader(name) && typeof value === "string",
  );
  if (lifted.length === 0) return parse(body);
  // Never sent, but stored and returned: held to the schema's rule for values all the same.
  const broken = lifted.find(([, value]) => headerBreakingCharacters.test(value as string));
  if (broken)
    throw payloadError(
      `${issuePath(["connectionConfig", "additionalHeaders", broken[0]])}: the value of header "${broken[0]}" must not contain CR, LF or NUL characters`,
    );
  const total = Object.keys(headers).length;
  if (total > maxCustomHeaders)
    throw payloadError(
      `connectionConfig.additionalHeaders: at most ${maxCustomHeaders} headers are allowed, got ${total}`,
    );
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !isReservedNonAuthHeader(name)));
  const parsed = parse({ ...body, connectionConfig: { ...connection, additionalHeaders: kept } });
  const parsedConnection = (parsed as { connectionConfig?: { additionalHeaders?: Record<string, string> } })
    .connectionConfig;
  // Every value is a string by now (the schema checked the kept ones), in the order they came.
  if (parsedConnection) parsedConnection.additionalHeaders = { ...headers } as Record<string, string>;
  return parsed;
}

/** As DM validates: the shared schema (outside strict mode with DM's reserved header names let through). */
function parseDm<S extends z.ZodType>(schema: S, body: unknown, strict: boolean): z.output<S> {
  const parse = (input: unknown) => parseOr(schema, input);
  return strict ? parse(body) : parseLeniently(body, parse);
}

/** A create (or test-new) body, validated as DM does; throws a DmError with the documented code. */
export function parseConfiguration(body: unknown, strict: boolean): EventHandlerConfiguration {
  return parseDm(eventHandlerConfigurationSchema, body, strict);
}

const updateSchemas = { webhook: webhookHandlerUpdateSchema, kafka: kafkaHandlerUpdateSchema };
type Bookkeeping = Partial<Pick<StoredHandler, "status" | "consecutiveFailures">>;

/**
 * `current` with a DM PUT body merged in (`null` or absent = unchanged, connectionConfig replaced whole)
 * and validated again as a whole configuration; `bookkeeping` sets the status (`enabledGiven`: the body
 * set `enabled`).
 */
export function mergeUpdate(
  current: StoredHandler,
  body: unknown,
  strict: boolean,
  bookkeeping: (config: EventHandlerConfiguration, enabledGiven: boolean) => Bookkeeping,
): StoredHandler {
  // A PUT body for a handler of this kind: partial, `null` = unchanged, no `type` or `domain`.
  const update = parseDm(updateSchemas[current.type], body, strict);
  const merged: Json = { ...current };
  for (const [field, value] of Object.entries(update))
    if (value !== null && value !== undefined) merged[field] = value;
  const { id, domain, createdAt, status, consecutiveFailures, ...configPart } = merged as StoredHandler;
  const config = parseConfiguration(configPart, strict);
  const kept = { id, domain, createdAt, status, consecutiveFailures };
  return { ...config, ...kept, ...bookkeeping(config, update.enabled != null) };
}
