/**
 * The DM contract (docs/dm-contract.md), the one place it is written down in code: a zod schema per API
 * object with its inferred type, and the contract's constants and helpers (API paths, limits, secret
 * paths and the mask, the handler-id pattern, domain paths, defaults, issue paths). The client, the
 * provider, the SDK and the sandbox all take them from here; the sandbox imports nothing else of the
 * provider (eslint.config.mjs).
 */
export * from "./api";
export * from "./domain";
export * from "./defaults";
export * from "./issuePath";
export * from "./secrets";
export * from "./limits";
export * from "./filter";
export * from "./bodyTemplate";
export * from "./webhookAuth";
export * from "./headers";
export * from "./webhookConnectionConfig";
export * from "./kafkaConnectionConfig";
export * from "./eventHandlerConfiguration";
export * from "./eventHandlerUpdate";
export * from "./eventHandler";
export * from "./handlerTestResult";
export * from "./errorBody";
export * from "./loginResponse";
