import { z } from "zod";
import { forbiddenHeaderNames, headerBreakingCharacters, maxCustomHeaders } from "./limits";

/** RFC 9110 token characters: what an HTTP header name may contain. */
const httpHeaderName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A name DM's UI reserves for the headers DM sets itself (docs/dm-contract.md § 2), in any case. */
export function isReservedHeaderName(name: string): boolean {
  return (forbiddenHeaderNames as readonly string[]).includes(name.toLowerCase());
}

/** True for `Authorization` in any case: DM sets it from connectionConfig.auth (docs/dm-contract.md § 2). */
export function isAuthorizationHeader(name: string): boolean {
  return name.toLowerCase() === "authorization";
}

/** Reserved webhook header names other than Authorization: DM's UI refuses them, its API may not. */
export function isReservedNonAuthHeader(name: string): boolean {
  return isReservedHeaderName(name) && !isAuthorizationHeader(name);
}

/**
 * A header map of at most 20 entries whose values carry no CR, LF or NUL (they would split or cut the
 * header line); `checkName` adds the kind's rules for names. A value never appears in a message: it may
 * be a secret (an API key in a custom header).
 */
function headerMapSchema(checkName: (name: string) => string | undefined) {
  return z
    .record(z.string(), z.string({ error: "header values must be strings" }))
    .superRefine((headers, ctx) => {
      const names = Object.keys(headers);
      if (names.length > maxCustomHeaders)
        ctx.addIssue({
          code: "custom",
          message: `at most ${maxCustomHeaders} headers are allowed, got ${names.length}`,
        });
      for (const [name, value] of Object.entries(headers)) {
        if (headerBreakingCharacters.test(value))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `the value of header "${name}" must not contain CR, LF or NUL characters`,
          });
        const problem = checkName(name);
        if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
      }
    });
}

/**
 * Webhook `additionalHeaders`: valid HTTP names, none that DM reserves (docs/dm-contract.md § 2), at most
 * 20; `$variables` are allowed in values only, CR, LF and NUL nowhere (they would split or cut the header
 * line). `Authorization` gets a hint, since connectionConfig.auth is where it belongs.
 */
export const webhookHeadersSchema = headerMapSchema((name) => {
  if (!httpHeaderName.test(name)) return `"${name}" is not a valid header name`;
  if (isReservedHeaderName(name))
    return `"${name}" is reserved by DM and cannot be set as a custom header${isAuthorizationHeader(name) ? " (use connectionConfig.auth)" : ""}`;
  return undefined;
});

/**
 * Kafka record headers: at most 20, non-empty names, no CR, LF or NUL (DM builds them like its HTTP
 * headers). HTTP's reserved names mean nothing on a Kafka record (DM's own example sends an `Origin`
 * header), so none is refused.
 */
export const kafkaHeadersSchema = headerMapSchema((name) => {
  if (name.trim() === "") return "header names must not be empty";
  if (headerBreakingCharacters.test(name))
    return `header name ${JSON.stringify(name)} must not contain CR, LF or NUL characters`;
  return undefined;
});
