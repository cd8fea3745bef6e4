import { expect } from "vitest";

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The check failure the provider must give for a bad value at `path`, in the form the engine prints best
 * (provider/checkFailures.ts): a top-level property by its key, a nested path or a secret at resource level
 * with the path leading the reason.
 */
export function failureNaming(path: string, reason: RegExp | string, options: { secret?: boolean } = {}) {
  const pattern = typeof reason === "string" ? escaped(reason) : reason.source;
  const topLevel = /^[A-Za-z_$][\w$]*$/.test(path) && !options.secret;
  return topLevel
    ? { property: path, reason: expect.stringMatching(pattern) }
    : { property: "", reason: expect.stringMatching(new RegExp(`^${escaped(path)}[ :].*${pattern}`)) };
}
