/**
 * `connectionConfig.additionalHeaders["X-Id"]`, `filter.lwm2mUrls[0]`: a zod issue's path as a user writes
 * it. The provider's check failures and the sandbox's 4000 answers name a property the same way.
 */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return index === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join("");
}
