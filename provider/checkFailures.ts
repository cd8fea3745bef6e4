import type * as pulumi from "@pulumi/pulumi";
import { issuePath } from "./schemas";

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
