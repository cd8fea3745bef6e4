import {
  handlerIdPattern,
  lifecycleEventTypes,
  type LifecycleEventType,
  normalizeDomain,
} from "../provider/schemas";

/**
 * A handler as DM returned it, checked only as far as the export must understand it to write code. This
 * is deliberately more lenient than the provider's schemas: a masked secret, DM's plural
 * `domainProperties` and read-only fields are all fine, and a handler the SDK cannot express is reported
 * (skipped with a reason) instead of failing the whole export.
 */

export type Filter =
  { type: "telemetry"; lwm2mUrls: string[] } | { type: "lifecycle"; eventTypes: LifecycleEventType[] };

export interface BodyTemplate {
  contentType: "text" | "json";
  value: string;
}

export type WebhookAuth = { type: "basic"; user: string } | { type: "token" } | { type: "customAuth" };

export interface WebhookConnection {
  uri: string;
  method?: "post" | "put" | "patch";
  format?: "generic" | "influxDb";
  auth?: WebhookAuth;
  additionalHeaders?: Record<string, string>;
  bodyTemplate?: BodyTemplate;
}

export interface KafkaConnection {
  type: "custom" | "domainProperty";
  topic: string;
  headers?: Record<string, string>;
  bodyTemplate?: BodyTemplate;
}

interface HandlerCommon {
  id: string;
  name: string;
  enabled: boolean;
  description: string | null;
  domain: string;
  filter: Filter;
  allowFailures?: boolean;
  /** DM's read-only status ("active", "inactive", "failed"), for the comment. */
  status?: string;
  createdAt?: string;
  /** connectionConfig fields the SDK has no argument for: not carried over (a warning says so). */
  droppedFields: string[];
}

export type ExportableHandler =
  | (HandlerCommon & { type: "webhook"; connectionConfig: WebhookConnection })
  | (HandlerCommon & { type: "kafka"; connectionConfig: KafkaConnection });

export interface SkippedHandler {
  id?: string;
  name?: string;
  domain: string;
  /** Why it cannot be exported, e.g. `type "alertRule" is not one pulumi-coiote knows`. */
  reason: string;
}

export type ParseResult = { ok: true; handler: ExportableHandler } | { ok: false; skipped: SkippedHandler };

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A problem that makes one handler unexportable; caught per handler. */
class Unsupported extends Error {}

const fail = (reason: string): never => {
  throw new Unsupported(reason);
};

function stringField(node: Node, key: string, where: string): string {
  const value = node[key];
  if (typeof value !== "string") fail(`${where}${key} is ${describe(value)}, not a string`);
  return value as string;
}

function optionalEnum<T extends string>(
  node: Node,
  key: string,
  allowed: readonly T[],
  where: string,
): T | undefined {
  const value = node[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value))
    fail(`${where}${key} ${describe(value)} is not one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
  return value as T;
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return Array.isArray(value) ? "a list" : typeof value;
}

function stringRecord(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isNode(value)) return fail(`${where} is ${describe(value)}, not an object`);
  for (const [name, v] of Object.entries(value))
    if (typeof v !== "string") fail(`${where}[${JSON.stringify(name)}] is ${describe(v)}, not a string`);
  return Object.keys(value).length ? (value as Record<string, string>) : undefined;
}

function bodyTemplate(value: unknown, where: string): BodyTemplate | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isNode(value)) return fail(`${where} is ${describe(value)}, not an object`);
  const contentType = optionalEnum(value, "contentType", ["text", "json"] as const, `${where}.`);
  if (!contentType) return fail(`${where}.contentType is missing`);
  return { contentType, value: stringField(value, "value", `${where}.`) };
}

function filter(value: unknown): Filter {
  if (!isNode(value)) return fail(`filter is ${describe(value)}`);
  const list = (key: string) => {
    const items = value[key];
    if (!Array.isArray(items) || items.some((item) => typeof item !== "string"))
      fail(`filter.${key} is not a list of strings`);
    return items as string[];
  };
  if (value.type === "telemetry") return { type: "telemetry", lwm2mUrls: list("lwm2mUrls") };
  if (value.type === "lifecycle") {
    const eventTypes = list("eventTypes");
    const unknown = eventTypes.filter((t) => !(lifecycleEventTypes as readonly string[]).includes(t));
    if (unknown.length) fail(`lifecycle event type ${describe(unknown[0])} is not one pulumi-coiote knows`);
    return { type: "lifecycle", eventTypes: eventTypes as LifecycleEventType[] };
  }
  return fail(`filter type ${describe(value.type)} is not one pulumi-coiote knows`);
}

const webhookKeys = ["uri", "method", "format", "auth", "additionalHeaders", "bodyTemplate"];
const kafkaKeys = ["type", "value", "topic", "headers", "bodyTemplate"];

function webhookConnection(config: Node): WebhookConnection {
  const result: WebhookConnection = { uri: stringField(config, "uri", "connectionConfig.") };
  const method = optionalEnum(config, "method", ["post", "put", "patch"] as const, "connectionConfig.");
  if (method) result.method = method;
  const format = optionalEnum(config, "format", ["generic", "influxDb"] as const, "connectionConfig.");
  if (format) result.format = format;
  const auth = config.auth;
  if (auth !== undefined && auth !== null) {
    if (!isNode(auth)) fail(`connectionConfig.auth is ${describe(auth)}`);
    const type = optionalEnum(
      auth as Node,
      "type",
      ["basic", "token", "customAuth"] as const,
      "connectionConfig.auth.",
    );
    if (type === "basic")
      result.auth = { type, user: stringField(auth as Node, "user", "connectionConfig.auth.") };
    else if (type) result.auth = { type };
    else fail("connectionConfig.auth.type is missing");
  }
  const headers = stringRecord(config.additionalHeaders, "connectionConfig.additionalHeaders");
  if (headers) result.additionalHeaders = headers;
  const body = bodyTemplate(config.bodyTemplate, "connectionConfig.bodyTemplate");
  if (body) result.bodyTemplate = body;
  return result;
}

function kafkaConnection(config: Node): KafkaConnection {
  const type = optionalEnum(
    config,
    "type",
    ["custom", "domainProperty", "domainProperties"] as const,
    "connectionConfig.",
  );
  if (!type) return fail("connectionConfig.type is missing");
  // DM's documents spell it both ways (docs/dm-contract.md § 1); the SDK takes the singular, which means
  // the same.
  const result: KafkaConnection = {
    type: type === "custom" ? "custom" : "domainProperty",
    topic: stringField(config, "topic", "connectionConfig."),
  };
  const headers = stringRecord(config.headers, "connectionConfig.headers");
  if (headers) result.headers = headers;
  const body = bodyTemplate(config.bodyTemplate, "connectionConfig.bodyTemplate");
  if (body) result.bodyTemplate = body;
  return result;
}

/** Reads one element of DM's handler list (or a single GET's answer) listed in `listedDomain`. */
export function parseHandler(raw: unknown, listedDomain: string): ParseResult {
  const node = isNode(raw) ? raw : {};
  const id = typeof node.id === "string" ? node.id : undefined;
  const name = typeof node.name === "string" ? node.name : undefined;
  const domain =
    typeof node.domain === "string" && node.domain !== "" ? normalizeDomain(node.domain) : listedDomain;
  try {
    if (!isNode(raw)) fail(`DM returned ${describe(raw)} instead of a handler`);
    if (!id || !handlerIdPattern.test(id)) fail(`its id is ${describe(node.id)}`);
    if (name === undefined) fail(`its name is ${describe(node.name)}`);
    if (node.type !== "webhook" && node.type !== "kafka")
      fail(`type ${describe(node.type)} is not one pulumi-coiote knows (webhook, kafka)`);
    if (typeof node.enabled !== "boolean") fail(`enabled is ${describe(node.enabled)}, not true or false`);
    if (node.description !== undefined && node.description !== null && typeof node.description !== "string")
      fail(`description is ${describe(node.description)}`);
    const config = node.connectionConfig;
    if (!isNode(config)) fail(`connectionConfig is ${describe(config)}`);
    const known = node.type === "webhook" ? webhookKeys : kafkaKeys;
    const common = {
      id: id!,
      name: name!,
      enabled: node.enabled as boolean,
      description: typeof node.description === "string" && node.description !== "" ? node.description : null,
      domain,
      filter: filter(node.filter),
      ...(typeof node.allowFailures === "boolean" ? { allowFailures: node.allowFailures } : {}),
      ...(typeof node.status === "string" ? { status: node.status } : {}),
      ...(typeof node.createdAt === "string" ? { createdAt: node.createdAt } : {}),
      droppedFields: Object.keys(config as Node)
        .filter((key) => !known.includes(key) && (config as Node)[key] !== null)
        .map((key) => `connectionConfig.${key}`),
    };
    const handler: ExportableHandler =
      node.type === "webhook"
        ? { ...common, type: "webhook", connectionConfig: webhookConnection(config as Node) }
        : { ...common, type: "kafka", connectionConfig: kafkaConnection(config as Node) };
    return { ok: true, handler };
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return { ok: false, skipped: { id, name, domain, reason: error.message } };
  }
}
