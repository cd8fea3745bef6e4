import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { containsUnknown, unknownValue } from "../../canonical";
import { redact } from "../../client/redact";
import { eventHandlerConfigurationSchema, eventHandlerSchema, handlerTestResultSchema } from "../../schemas";
import type { ApiHandler, HandlerState } from "./model";
import { getPath, joinSecrets } from "./secrets";

const handlerIdPattern = /^[0-9a-f]{24}$/;

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === "number" ? `[${key}]` : String(key)))
    .join(".")
    .replace(/\.\[/g, "[");
}

/** True when the value at `path`, or any value on the way to it, is not known yet (preview). */
function unknownOnPath(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const key of path) {
    if (node === unknownValue) return true;
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return containsUnknown(node);
}

/**
 * Validates a handler's inputs against the shared API schemas (the ones the sandbox enforces), so a bad
 * value is reported at preview with the property and the reason, before any API call. Values not known
 * until apply are skipped. Secret values never appear in a message.
 */
export function validateHandlerInputs(news: HandlerState): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const secretValues = Object.values(news.secrets ?? {}).filter((v) => typeof v === "string");
  const body = {
    type: news.type,
    name: news.name,
    enabled: news.enabled ?? true,
    description: news.description ?? null,
    domain: news.domain ?? null,
    filter: news.filter,
    connectionConfig:
      news.connectionConfig && typeof news.connectionConfig === "object"
        ? joinSecrets(news.connectionConfig, news.secrets ?? {})
        : news.connectionConfig,
    allowFailures: news.allowFailures ?? false,
  };
  const result = eventHandlerConfigurationSchema.safeParse(body);
  if (!result.success) {
    for (const issue of (result.error as z.ZodError).issues) {
      if (unknownOnPath(body, issue.path)) continue;
      const property = pathText(issue.path) || "(handler)";
      failures.push({ property, reason: redact(issue.message, secretValues) });
    }
  }
  if (
    news.testOnApply !== undefined &&
    typeof news.testOnApply !== "boolean" &&
    !containsUnknown(news.testOnApply)
  ) {
    failures.push({ property: "testOnApply", reason: "must be true or false" });
  }
  const adoptId = news.adoptId;
  if (
    adoptId !== undefined &&
    !containsUnknown(adoptId) &&
    (typeof adoptId !== "string" || !handlerIdPattern.test(adoptId))
  ) {
    failures.push({
      property: "adoptId",
      reason: "must be a DM handler id: 24 lowercase hexadecimal characters",
    });
  }
  return failures;
}

function parser<T>(schema: z.ZodType, what: string): (body: unknown) => T {
  return (body) => {
    const result = schema.safeParse(body);
    if (!result.success) {
      const first = result.error.issues[0];
      throw new Error(
        `Coiote DM returned an unexpected ${what}: ${first ? `${pathText(first.path)}: ${first.message}` : "invalid"}`,
      );
    }
    return result.data as T;
  };
}

export const parseHandler = parser<ApiHandler>(eventHandlerSchema, "handler");
export const parseHandlerList = (body: unknown): ApiHandler[] => {
  if (!Array.isArray(body)) throw new Error("Coiote DM returned an unexpected handler list: not an array");
  return body.map(parseHandler);
};
export const parseTestResult = parser<{ successful: boolean; message?: string | null }>(
  handlerTestResultSchema,
  "test result",
);

export { getPath };
