import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { containsUnknown, isUnknown, unknownValue } from "./canonical";
import { redact } from "./client/redact";
import { getPath, issuePath } from "./schemas";

/**
 * Check failures in the form the engine prints best. The engine looks a failure's `property` up as a
 * top-level key of the inputs and prints `property <key> value {<value>} has a problem: <reason>`; a nested
 * path is never found there (it prints `{<nil>}`), and a secret prints as `{&{{[secret]}}}`. So:
 * - a top-level, non-secret property is reported by its key, and the engine shows its real value;
 * - a nested path is reported at resource level, with the path and (for a short, non-secret scalar) the
 *   offending value in the reason;
 * - a secret is reported at resource level with its path only, never its value.
 */

export type PropertyPath = readonly PropertyKey[];

const maxShownValue = 120;

/** The value as it appears in a message: scalars only (objects are named by their path), cut when long. */
function shown(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return undefined;
  const text = JSON.stringify(value);
  return text.length > maxShownValue ? `${text.slice(0, maxShownValue)}…"` : text;
}

export interface FailureOptions {
  /** The offending value (shown for nested scalars). */
  value?: unknown;
  /** The value is, or may contain, a secret: never print it (and spare the user the engine's rendering of one). */
  secret?: boolean;
}

export function failureAt(
  path: PropertyPath,
  reason: string,
  options: FailureOptions = {},
): pulumi.dynamic.CheckFailure {
  if (path.length === 0) return { property: "", reason };
  if (path.length === 1 && !options.secret) return { property: String(path[0]), reason };
  const value = options.secret ? undefined : shown(options.value);
  return { property: "", reason: `${issuePath(path)}${value === undefined ? "" : ` ${value}`}: ${reason}` };
}

/** The value at `path`, or the unknown placeholder if anything on the way to it is not known yet. */
export function valueOnPath(root: unknown, path: PropertyPath): unknown {
  let node = root;
  for (const key of path) {
    if (isUnknown(node)) return unknownValue;
    node = getPath(node, [key]);
  }
  return node;
}

/** A zod schema's issues as check failures, skipping values not known yet; secrets are never shown. */
export function schemaFailures(
  schema: z.ZodType,
  value: unknown,
  options: { secretValues?: readonly string[]; isSecret?: (path: PropertyPath) => boolean } = {},
): pulumi.dynamic.CheckFailure[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const issue of result.error.issues) {
    const at = valueOnPath(value, issue.path);
    if (containsUnknown(at)) continue;
    failures.push(
      failureAt(issue.path, redact(issue.message, options.secretValues ?? []), {
        value: at,
        secret: options.isSecret?.(issue.path) ?? false,
      }),
    );
  }
  return failures;
}
