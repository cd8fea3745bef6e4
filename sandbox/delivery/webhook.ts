import { request } from "undici";
import { isReservedHeaderName, type WebhookConnectionConfig } from "../../provider/schemas";
import type { DeviceEvent } from "./events";
import { defaultTemplates, influxTemplates, render, renderHeaders, variablesOf } from "./templates";

export interface DeliveryOutcome {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why it failed, in words a test result can show. */
  error?: string;
  target: string;
  /** Headers sent, secret values left out. */
  headers: Record<string, string>;
}

function authorization(auth: WebhookConnectionConfig["auth"]): string | undefined {
  if (!auth) return undefined;
  if (auth.type === "basic")
    return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  if (auth.type === "token") return `Bearer ${auth.token}`;
  return auth.value;
}

/** Builds the request DM would send for this event: body, content type, auth and custom headers. */
export function buildWebhookRequest(config: WebhookConnectionConfig, event: DeviceEvent) {
  const influx = config.format === "influxDb";
  const template = config.bodyTemplate;
  const json = template ? template.contentType === "json" : !influx;
  const variables = variablesOf(event, json);
  const body = render(
    template?.value ?? (influx ? influxTemplates : defaultTemplates)[event.kind],
    variables,
  );
  // Reserved names (accepted outside strict mode) are never sent: DM sets those headers itself.
  const custom = Object.entries(renderHeaders(config.additionalHeaders, variables)).filter(
    ([name]) => !isReservedHeaderName(name),
  );
  const headers: Record<string, string> = {
    ...Object.fromEntries(custom),
    "content-type": json ? "application/json" : "text/plain; charset=utf-8",
    "user-agent": "IoT-DM",
  };
  if (influx) headers.accept = "application/json";
  const auth = authorization(config.auth);
  if (auth) headers.authorization = auth;
  return { method: (config.method ?? "post").toUpperCase(), body, headers };
}

export async function deliverWebhook(
  config: WebhookConnectionConfig,
  event: DeviceEvent,
  timeoutMs: number,
): Promise<DeliveryOutcome> {
  const { method, body, headers } = buildWebhookRequest(config, event);
  const { authorization: _secret, ...loggedHeaders } = headers;
  const outcome = { target: config.uri, headers: loggedHeaders };
  try {
    const response = await request(config.uri, {
      method: method as "POST" | "PUT" | "PATCH",
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return {
      ...outcome,
      ok,
      status: response.statusCode,
      error: ok ? undefined : `the receiver answered HTTP ${response.statusCode}`,
    };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...outcome, ok: false, error: `could not reach ${config.uri}: ${reason}` };
  }
}
