/**
 * What a handler that leaves a field out gets: DM's defaults, and the provider's for testOnApply. The SDK
 * fills them in for its inputs, the provider for its check and its canonical state, so an omitted
 * default never looks like a change.
 */
export function withDefaults<
  T extends { enabled?: unknown; description?: unknown; allowFailures?: unknown; testOnApply?: unknown },
>(handler: T) {
  return {
    ...handler,
    enabled: handler.enabled ?? true,
    description: handler.description ?? null,
    allowFailures: handler.allowFailures ?? false,
    testOnApply: handler.testOnApply ?? true,
  };
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
