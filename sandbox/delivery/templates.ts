import { domainName } from "../domains";
import type { DeviceEvent } from "./events";

/** DM's default generic bodies (docs/dm-contract.md § 10). */
export const defaultTemplates = {
  telemetry:
    '{"version":"$version","timestamp":$timestamp,"endpointName":"$endpointName","domainId":"$domainId","url":"$url","value":"$value"}',
  lifecycle:
    '{"subtype":"$subtype","version":"$version","timestamp":$timestamp,"endpointName":"$endpointName","domainId":"$domainId","metadata":$metadata}',
} as const;

/** InfluxDB line protocol as DM writes it; the lifecycle line is our choice (its shape is undocumented). */
export const influxTemplates = {
  telemetry:
    'telemetryEvent,domain=$domainId,endpointName=$endpointName,eventType="telemetry" $url=$value $timestamp',
  lifecycle:
    'deviceEvent,domain=$domainId,endpointName=$endpointName,eventType="$subtype" value=1 $timestamp',
} as const;

export type Variables = Record<string, string>;

/** The $variables variablesOf gives; `satisfies` below refuses a name missing here. */
const variableNames = [
  "version",
  "timestamp",
  "endpointName",
  "domainId",
  "domainName",
  "url",
  "value",
  "subtype",
  "metadata",
] as const;
type Named = Partial<Record<(typeof variableNames)[number], string>>;

/** The $variables of an event; `json` decides how $metadata renders (an object, or k=v,k=v for text). */
export function variablesOf(event: DeviceEvent, json: boolean): Variables {
  const common = {
    version: "1.0",
    timestamp: String(event.timestamp ?? Date.now()),
    endpointName: event.endpointName,
    domainId: event.domain,
    domainName: domainName(event.domain),
  } satisfies Named;
  // Added to `common` itself: V8 (Node 20) adds keys to a spread copy slowly (see webhook.ts).
  if (event.kind === "telemetry")
    return Object.assign(common, { url: event.url, value: event.value } satisfies Named);
  const metadata = json
    ? JSON.stringify(event.metadata)
    : Object.entries(event.metadata)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(",");
  return Object.assign(common, { subtype: event.subtype, metadata } satisfies Named);
}

/** One pattern for every name above, longest first, so that at a `$` the longest name that fits wins. */
const variablePattern = new RegExp(
  `\\$(${[...variableNames].sort((a, b) => b.length - a.length).join("|")})`,
  "g",
);

/**
 * Plain-text substitution in one pass (a substituted value is never substituted again); a $name that
 * `variables` lacks stays as written.
 */
export function render(template: string, variables: Variables): string {
  return template.replace(variablePattern, (match, name: string) => variables[name] ?? match);
}

/** Header values may use every variable but url, value and metadata; header names are never expanded. */
export function renderHeaders(
  headers: Record<string, string> | null | undefined,
  variables: Variables,
): Record<string, string> {
  if (!headers) return {};
  const { url: _url, value: _value, metadata: _metadata, ...allowed } = variables;
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, render(value, allowed)]));
}
