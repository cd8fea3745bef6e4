import { maskedSecret } from "../provider/schemas";
import { arr, type Code, obj, prop, type Prop, raw, str } from "./code";
import { describeInflux, influxTarget } from "./influx";
import type { ResourceNames } from "./names";
import type { BodyTemplate, ExportableHandler, Filter } from "./parse";
import type { SecretKeys } from "./secrets";

/** One resource of the generated program: what class, under which names, with which arguments. */
export interface ResourcePlan {
  className: "EventHandler" | "InfluxBucketIntegration";
  names: ResourceNames;
  handler: ExportableHandler;
  /** `//` lines above the resource. */
  comments: string[];
  args: Code;
  /** The expression that holds the handler's DM id, for the handlerIds output. */
  idExpression: string;
  /** Lines for standard error: what the user should know about this handler. */
  warnings: string[];
}

export interface PlanOptions {
  /** Emit an InfluxBucketIntegration for webhooks that write to InfluxDB (see the README). */
  influxAsIntegration?: boolean;
}

const requireSecret = (key: string) => raw(`config.requireSecret(${JSON.stringify(key)})`);

/** Header names that usually carry a credential: DM returns them in clear, so the code would too. */
const secretLookingHeader = /key|token|secret|passw|auth|signature|credential|cookie/i;

function filterCode(filter: Filter): Code {
  return filter.type === "telemetry"
    ? obj([prop("type", str("telemetry")), prop("lwm2mUrls", arr(filter.lwm2mUrls.map(str)))])
    : obj([prop("type", str("lifecycle")), prop("eventTypes", arr(filter.eventTypes.map(str)))]);
}

function bodyTemplateCode(template: BodyTemplate): Code {
  return obj([prop("contentType", str(template.contentType)), prop("value", str(template.value))]);
}

function headersCode(headers: Record<string, string>, plan: { warnings: string[]; label: string }): Code {
  return obj(
    Object.entries(headers).map(([name, value]) => {
      if (!secretLookingHeader.test(name)) return prop(name, str(value));
      plan.warnings.push(
        `${plan.label}: header ${JSON.stringify(name)} may carry a secret; DM returns it in clear, so index.ts has it as a plain string (move it to config.requireSecret if it is one)`,
      );
      return prop(name, str(value), [
        `${JSON.stringify(name)} may carry a secret: DM returns it in clear, so it is written as DM has it.`,
        "If it is one, move it to stack config: config.requireSecret(...).",
      ]);
    }),
    true,
  );
}

/** A webhook uri with a password in it comes back as `user:********@host`: then the whole uri is a secret. */
function hasMaskedPassword(uri: string): boolean {
  try {
    return decodeURIComponent(new URL(uri).password) === maskedSecret;
  } catch {
    return false;
  }
}

const label = (handler: ExportableHandler) => `handler ${JSON.stringify(handler.name)} (${handler.id})`;

function webhookConnectionCode(
  handler: Extract<ExportableHandler, { type: "webhook" }>,
  names: ResourceNames,
  secrets: SecretKeys,
  context: { warnings: string[]; label: string },
): Code {
  const config = handler.connectionConfig;
  const props: Prop[] = [];
  if (hasMaskedPassword(config.uri)) {
    const key = secrets.add(
      names.ident,
      "connectionConfig.uri",
      handler,
      `the whole URI with its password: DM shows it as ${config.uri.replace(maskedSecret, "<password>")}`,
    );
    props.push(
      prop("uri", requireSecret(key), [
        "The URI holds a password, which DM does not reveal: set by set-secrets.sh.",
      ]),
    );
  } else props.push(prop("uri", str(config.uri)));
  if (config.method) props.push(prop("method", str(config.method)));
  if (config.format) props.push(prop("format", str(config.format)));
  const auth = config.auth;
  if (auth?.type === "basic") {
    const key = secrets.add(
      names.ident,
      "connectionConfig.auth.password",
      handler,
      `the basic-auth password of user ${JSON.stringify(auth.user)}`,
    );
    props.push(
      prop(
        "auth",
        obj([prop("type", str("basic")), prop("user", str(auth.user)), prop("password", requireSecret(key))]),
      ),
    );
  } else if (auth?.type === "token") {
    const key = secrets.add(
      names.ident,
      "connectionConfig.auth.token",
      handler,
      "the bearer token (sent as Authorization: Bearer <token>)",
    );
    props.push(prop("auth", obj([prop("type", str("token")), prop("token", requireSecret(key))])));
  } else if (auth?.type === "customAuth") {
    const key = secrets.add(
      names.ident,
      "connectionConfig.auth.value",
      handler,
      "the whole Authorization header value, sent verbatim (e.g. Token <influx-token>)",
    );
    props.push(prop("auth", obj([prop("type", str("customAuth")), prop("value", requireSecret(key))])));
  }
  if (config.additionalHeaders)
    props.push(prop("additionalHeaders", headersCode(config.additionalHeaders, context)));
  if (config.bodyTemplate) props.push(prop("bodyTemplate", bodyTemplateCode(config.bodyTemplate)));
  return obj(props, true);
}

function kafkaConnectionCode(
  handler: Extract<ExportableHandler, { type: "kafka" }>,
  names: ResourceNames,
  secrets: SecretKeys,
  context: { warnings: string[]; label: string },
): Code {
  const config = handler.connectionConfig;
  const props: Prop[] = [prop("type", str(config.type))];
  if (config.type === "custom") {
    const key = secrets.add(
      names.ident,
      "connectionConfig.value",
      handler,
      "the producer .properties text (bootstrap.servers=… and any SASL settings), line breaks included: " +
        'give it in the variable, e.g. from a file with "$(cat producer.properties)"',
    );
    props.push(prop("value", requireSecret(key)));
  }
  props.push(prop("topic", str(config.topic)));
  if (config.headers) props.push(prop("headers", headersCode(config.headers, context)));
  if (config.bodyTemplate) props.push(prop("bodyTemplate", bodyTemplateCode(config.bodyTemplate)));
  return obj(props, true);
}

function headerComment(handler: ExportableHandler): string {
  const status =
    handler.status && !["active", "inactive"].includes(handler.status)
      ? `, status ${handler.status} in DM`
      : "";
  return `${JSON.stringify(handler.name)} (${handler.id})${status}`;
}

function eventHandlerPlan(
  handler: ExportableHandler,
  names: ResourceNames,
  secrets: SecretKeys,
): ResourcePlan {
  const context = { warnings: [] as string[], label: label(handler) };
  const comments = [headerComment(handler)];
  if (handler.type === "webhook") {
    const influx = influxTarget(handler.connectionConfig);
    if (influx) comments.push(`${describeInflux(influx)}.`);
  }
  if (handler.droppedFields.length) {
    const fields = handler.droppedFields.join(", ");
    comments.push(
      `TODO: DM also returned ${fields}, which EventHandler has no argument for; the first up removes it.`,
    );
    context.warnings.push(
      `${label(handler)}: ${fields} has no EventHandler argument and is not exported (the first up removes it)`,
    );
  }
  const connection =
    handler.type === "webhook"
      ? webhookConnectionCode(handler, names, secrets, context)
      : kafkaConnectionCode(handler, names, secrets, context);
  const props: Prop[] = [
    prop("adoptId", str(handler.id)),
    prop("type", str(handler.type)),
    prop("name", str(handler.name)),
    prop("domain", str(handler.domain)),
    prop("enabled", raw(String(handler.enabled))),
  ];
  if (handler.description !== null) props.push(prop("description", str(handler.description)));
  props.push(prop("filter", filterCode(handler.filter)), prop("connectionConfig", connection));
  if (handler.allowFailures !== undefined)
    props.push(prop("allowFailures", raw(String(handler.allowFailures))));
  props.push(prop("testOnApply", raw("false")));
  return {
    className: "EventHandler",
    names,
    handler,
    comments,
    args: obj(props, true),
    idExpression: `${names.ident}.id`,
    warnings: context.warnings,
  };
}

/**
 * An InfluxDB webhook as an InfluxBucketIntegration (--influx-as-integration): the bucket and organization
 * from its URI, the write token from stack config. The integration makes its own handler (it has no
 * adoptId), so the comment says to delete the old one after the first up.
 */
function influxIntegrationPlan(
  handler: Extract<ExportableHandler, { type: "webhook" }>,
  names: ResourceNames,
  secrets: SecretKeys,
): ResourcePlan | undefined {
  const config = handler.connectionConfig;
  const target = influxTarget(config);
  if (!target?.bucket || config.auth?.type !== "customAuth") return undefined;
  const key = secrets.add(
    names.ident,
    "influxToken",
    handler,
    'the InfluxDB write token (without the "Token " prefix)',
  );
  const handlerProps: Prop[] = [
    prop("name", str(handler.name)),
    prop("domain", str(handler.domain)),
    prop("enabled", raw(String(handler.enabled))),
  ];
  if (handler.description !== null) handlerProps.push(prop("description", str(handler.description)));
  handlerProps.push(prop("filter", filterCode(handler.filter)));
  if (config.bodyTemplate) handlerProps.push(prop("bodyTemplate", str(config.bodyTemplate.value)));
  const props: Prop[] = [prop("influxUrl", str(target.influxUrl))];
  if (target.orgId) props.push(prop("orgId", str(target.orgId)));
  props.push(
    prop("bucketId", str(target.bucket)),
    prop("token", requireSecret(key)),
    prop("handler", obj(handlerProps, true)),
  );
  const warnings: string[] = [
    `${label(handler)}: exported as an InfluxBucketIntegration, which creates a handler of its own; delete ${handler.id} in DM after the first up`,
  ];
  const dropped = [
    ...(config.method && config.method !== "post" ? ["method"] : []),
    ...(config.additionalHeaders ? ["additionalHeaders"] : []),
    ...(handler.allowFailures ? ["allowFailures"] : []),
    ...handler.droppedFields,
  ];
  const comments = [
    headerComment(handler),
    `${describeInflux(target)}.`,
    `InfluxBucketIntegration makes a handler of its own (it cannot adopt ${handler.id}): delete that one in DM after the first up.`,
  ];
  if (!target.orgId)
    comments.push(
      `The URI names the organization ${target.org ? JSON.stringify(target.org) : "nowhere"}: set influxdb:org to it.`,
    );
  if (dropped.length) {
    comments.push(
      `TODO: ${dropped.join(", ")} of the handler have no InfluxBucketIntegration argument and are not carried over.`,
    );
    warnings.push(
      `${label(handler)}: ${dropped.join(", ")} not carried over into the InfluxBucketIntegration`,
    );
  }
  return {
    className: "InfluxBucketIntegration",
    names,
    handler,
    comments,
    args: obj(props, true),
    idExpression: `${names.ident}.handlerId`,
    warnings,
  };
}

/** The resource for one handler. */
export function planResource(
  handler: ExportableHandler,
  names: ResourceNames,
  secrets: SecretKeys,
  options: PlanOptions = {},
): ResourcePlan {
  if (options.influxAsIntegration && handler.type === "webhook" && influxTarget(handler.connectionConfig)) {
    const integration = influxIntegrationPlan(handler, names, secrets);
    if (integration) return integration;
    const plan = eventHandlerPlan(handler, names, secrets);
    const why = "its URI names no bucket or its auth is not a custom Authorization header";
    plan.comments.push(`Kept as an EventHandler despite --influx-as-integration: ${why}.`);
    plan.warnings.push(`${label(handler)}: kept as an EventHandler (${why})`);
    return plan;
  }
  return eventHandlerPlan(handler, names, secrets);
}
