import { type Dispatcher, request } from "undici";
import { isReservedHeaderName, type WebhookConnectionConfig } from "../../provider/schemas";
import { maskUriIn, maskUriPassword } from "../uriPassword";
import type { DeviceEvent } from "./events";
import { RefusedTarget } from "./guardedAgent";
import { redactHeaders } from "./redact";
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
  /** Set when the sandbox refused the target and sent nothing (see targetPolicy.ts). */
  refused?: boolean;
}

/** Every request DM sends says it is DM's; the admin API refuses those (deliveryMarker.ts). */
export const deliveryUserAgent = "IoT-DM";

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
    "user-agent": deliveryUserAgent,
  };
  if (influx) headers.accept = "application/json";
  const auth = authorization(config.auth);
  if (auth) headers.authorization = auth;
  return { method: (config.method ?? "post").toUpperCase(), body, headers };
}

export interface WebhookTransport {
  timeoutMs: number;
  /** The guarded agent: no socket to a refused address is ever opened. */
  agent: Dispatcher;
  /** Aborts the request when its handler is deleted or the sandbox reset. */
  signal: AbortSignal;
}

const timedOut = () => new DOMException("The operation was aborted due to timeout", "TimeoutError");

export async function deliverWebhook(
  config: WebhookConnectionConfig,
  event: DeviceEvent,
  { timeoutMs, agent, signal }: WebhookTransport,
): Promise<DeliveryOutcome> {
  const { method, body, headers } = buildWebhookRequest(config, event);
  // The log shows the URI with its password masked, and no secret header values.
  const target = maskUriPassword(config.uri);
  const outcome = { target, headers: redactHeaders(headers) };
  // Not AbortSignal.timeout() (it fires after every delivery) nor any() (slow with a key's shared signal).
  const controller = new AbortController();
  const cancel = () => controller.abort(signal.reason);
  if (signal.aborted) cancel();
  else signal.addEventListener("abort", cancel);
  const timer = setTimeout(() => controller.abort(timedOut()), timeoutMs);
  try {
    const response = await request(config.uri, {
      method: method as "POST" | "PUT" | "PATCH",
      headers,
      body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: controller.signal,
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
    if (error instanceof RefusedTarget)
      return { ...outcome, ok: false, refused: true, error: `refused ${target}: ${error.message}` };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      ...outcome,
      ok: false,
      error: maskUriIn(`could not reach ${config.uri}: ${reason}`, config.uri),
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", cancel);
  }
}
