/** Limits of the DM event-handler API (docs/dm-contract.md § 9), shared by the provider and the sandbox. */
export const maxHandlersPerDomain = 10;
export const maxCustomHeaders = 20;
export const maxBodyTemplateLength = 500;
/** DM returns write-only secrets masked like this (docs/dm-contract.md § 5). */
export const maskedSecret = "********";
/** Header names DM's UI reserves; auth goes in connectionConfig.auth instead (docs/dm-contract.md § 2). */
export const forbiddenHeaderNames = [
  "authorization",
  "content-type",
  "content-length",
  "user-agent",
  "accept",
  "accept-encoding",
  "host",
  "connection",
  "origin",
  "cache-control",
] as const;
export const handlerIdPattern = /^[0-9a-f]{24}$/;
export const lwm2mUrlPattern = /^(\/\d+){1,4}$/;

/** CR, LF and NUL end or corrupt an HTTP header line: no receiver could ever get such a header. */
export const headerBreakingCharacters = /[\r\n\0]/;
