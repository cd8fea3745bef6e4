/**
 * What a handler that leaves a field out gets: DM's defaults, and the provider's for testOnApply. The SDK
 * fills them in for its inputs, the provider for its check and its canonical state, so an omitted
 * default never looks like a change.
 */
export const handlerDefaults = {
  enabled: true,
  description: null,
  allowFailures: false,
  testOnApply: true,
} as const;

type Defaults = typeof handlerDefaults;
type WithDefaults<T> = Omit<T, keyof Defaults> & {
  [K in keyof Defaults]: K extends keyof T ? NonNullable<T[K]> | Defaults[K] : Defaults[K];
};

/** The handler with every absent (or null) top-level field that has a default set to it. */
export function withDefaults<T extends { [K in keyof Defaults]?: unknown }>(handler: T): WithDefaults<T> {
  return {
    ...handler,
    enabled: handler.enabled ?? handlerDefaults.enabled,
    description: handler.description ?? handlerDefaults.description,
    allowFailures: handler.allowFailures ?? handlerDefaults.allowFailures,
    testOnApply: handler.testOnApply ?? handlerDefaults.testOnApply,
  } as WithDefaults<T>;
}

/** DM's defaults inside a connectionConfig (docs/dm-contract.md § 10): what an omitted field means. */
export function connectionConfigWithDefaults(
  kind: "webhook" | "kafka",
  config: Record<string, unknown>,
): Record<string, unknown> {
  if (kind === "webhook") {
    return {
      ...config,
      method: config.method ?? "post",
      format: config.format ?? "generic",
      auth: config.auth ?? null,
      additionalHeaders: config.additionalHeaders ?? {},
      bodyTemplate: config.bodyTemplate ?? null,
    };
  }
  return { ...config, headers: config.headers ?? {}, bodyTemplate: config.bodyTemplate ?? null };
}
