import type { z } from "zod";
import {
  eventHandlerConfigurationSchema,
  headerBreakingCharacters,
  type EventHandlerConfiguration,
  isReservedNonAuthHeader,
  issuePath,
  kafkaHandlerUpdateSchema,
  type KafkaHandlerUpdate,
  maxCustomHeaders,
  webhookHandlerUpdateSchema,
  type WebhookHandlerUpdate,
} from "../provider/schemas";
import { codes, DmError } from "./errors";

/** `filter.lwm2mUrls[0]`: the same property paths the provider reports at preview; "body" for the whole. */
export function bodyPath(path: readonly PropertyKey[]): string {
  return issuePath(path) || "body";
}

/**
 * Zod issues as DM's answer: 4003 for a malformed LwM2M path (as DM documents), 4000 for everything else,
 * an empty `lwm2mUrls` list included (no path is wrong there; the payload is).
 */
export function invalidPayload(error: z.ZodError): DmError {
  const issues = error.issues.slice(0, 3).map((issue) => `${bodyPath(issue.path)}: ${issue.message}`);
  const lwm2m = error.issues.some((issue) => {
    const at = issue.path.indexOf("lwm2mUrls");
    return at >= 0 && typeof issue.path[at + 1] === "number";
  });
  return new DmError(
    lwm2m ? codes.invalidLwm2mUrlOrNoKafkaProperty : codes.invalidPayload,
    `invalid payload: ${issues.join("; ")}`,
  );
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
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
  if (broken) {
    throw new DmError(
      codes.invalidPayload,
      `invalid payload: ${issuePath(["connectionConfig", "additionalHeaders", broken[0]])}: the value of header "${broken[0]}" must not contain CR, LF or NUL characters`,
    );
  }
  const total = Object.keys(headers).length;
  if (total > maxCustomHeaders) {
    throw new DmError(
      codes.invalidPayload,
      `invalid payload: connectionConfig.additionalHeaders: at most ${maxCustomHeaders} headers are allowed, got ${total}`,
    );
  }
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !isReservedNonAuthHeader(name)));
  const parsed = parse({ ...body, connectionConfig: { ...connection, additionalHeaders: kept } });
  const parsedConnection = (parsed as { connectionConfig?: { additionalHeaders?: Record<string, string> } })
    .connectionConfig;
  // Every value is a string by now (the schema checked the kept ones), in the order they came.
  if (parsedConnection) parsedConnection.additionalHeaders = { ...headers } as Record<string, string>;
  return parsed;
}

/** A create (or test-new) body, validated as DM does; throws a DmError with the documented code. */
export function parseConfiguration(body: unknown, strict: boolean): EventHandlerConfiguration {
  const parse = (input: unknown) => {
    const result = eventHandlerConfigurationSchema.safeParse(input);
    if (!result.success) throw invalidPayload(result.error);
    return result.data;
  };
  return strict ? parse(body) : parseLeniently(body, parse);
}

/** A PUT body for a handler of this kind: partial, `null` = unchanged, no `type` or `domain`. */
export function parseUpdate(
  kind: "webhook" | "kafka",
  body: unknown,
  strict: boolean,
): WebhookHandlerUpdate | KafkaHandlerUpdate {
  const schema = kind === "webhook" ? webhookHandlerUpdateSchema : kafkaHandlerUpdateSchema;
  const parse = (input: unknown) => {
    const result = schema.safeParse(input);
    if (!result.success) throw invalidPayload(result.error);
    return result.data;
  };
  return strict ? parse(body) : parseLeniently(body, parse);
}
