import type { Dispatcher } from "undici";
import { isReservedHeaderName, type WebhookConnectionConfig } from "../../provider/schemas";
import { maskUriIn } from "../uriPassword";
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
  const headers: Record<string, string> = {};
  // Reserved names (accepted outside strict mode) are never sent: DM sets those headers itself.
  for (const [name, value] of Object.entries(renderHeaders(config.additionalHeaders, variables)))
    if (!isReservedHeaderName(name)) headers[name] = value;
  headers["content-type"] = json ? "application/json" : "text/plain; charset=utf-8";
  headers["user-agent"] = deliveryUserAgent;
  if (influx) headers.accept = "application/json";
  const auth = authorization(config.auth);
  if (auth) headers.authorization = auth;
  return { method: (config.method ?? "post").toUpperCase(), body, headers };
}

export interface WebhookTransport {
  /** The configuration's `uri` parsed, and as the log shows it (its password masked). */
  url: URL;
  target: string;
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
  { url, target, timeoutMs, agent, signal }: WebhookTransport,
): Promise<DeliveryOutcome> {
  const { method, body, headers } = buildWebhookRequest(config, event);
  // The log shows the URI with its password masked, and no secret header values. Object.assign, not
  // { ...base, ok }: V8 (Node 20) adds keys to a spread copy slowly, about a microsecond each.
  const outcome = <T>(result: T) => Object.assign({ target, headers: redactHeaders(headers) }, result);
  // A timeout or a cancel aborts the request as soon as it has a socket (as undici's request() does).
  let abort: ((reason: Error) => void) | undefined;
  let pending: Error | undefined;
  const cancel = (reason: unknown) => (abort ? abort(reason as Error) : (pending ??= reason as Error));
  const onAbort = () => cancel(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort);
  const timer = setTimeout(() => cancel(timedOut()), timeoutMs);
  try {
    // dispatch(), not request(): only the status is wanted, so the body is dropped as it comes.
    const status = await new Promise<number>((resolve, reject) => {
      const path = url.pathname + url.search;
      const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
      const options = { origin: url.origin, path, method: method as "POST", headers, body, ...timeouts };
      let code = 0;
      agent.dispatch(options, {
        onConnect: (abortRequest) => (pending ? abortRequest(pending) : (abort = abortRequest)),
        onHeaders: (statusCode) => ((code = statusCode), true),
        onData: () => true,
        onComplete: () => resolve(code),
        onError: reject,
      });
    });
    const ok = status >= 200 && status < 300;
    return outcome({ ok, status, error: ok ? undefined : `the receiver answered HTTP ${status}` });
  } catch (error) {
    if (error instanceof RefusedTarget)
      return outcome({ ok: false, refused: true, error: `refused ${target}: ${error.message}` });
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = maskUriIn(`could not reach ${config.uri}: ${reason}`, config.uri);
    return outcome({ ok: false, error: message });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}
