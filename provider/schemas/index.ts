/** Zod schemas of the DM event-handler API objects, one per object, shared by the provider and the sandbox. */
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
