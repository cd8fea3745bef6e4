/**
 * The parts of undici the provider uses (a connection pool, `request`, the error classes), loaded from
 * their own modules instead of the package's entry point.
 *
 * Why: `require("undici")` also loads fetch, WebSocket, EventSource, cookies, the HTTP cache and the mock
 * agent, none of which the provider calls: 56–82 ms of CPU against 11–18 ms for these modules alone
 * (docs/performance.md, "Refresh"). The provider process loads it before its first read, and a
 * `pulumi refresh` starts two provider processes (its preview, then the refresh), so that load is a large
 * share of what a refresh of a small stack costs. The modules are those the entry point itself
 * re-exports; `test/provider/undiciCore.test.ts` checks that they are the very same objects, so an undici
 * release that moves them fails there, not in a user's refresh.
 */
import type * as Undici from "undici";

const AgentClass: typeof Undici.Agent = require("undici/lib/dispatcher/agent.js");
const apiRequest: ApiRequest = require("undici/lib/api/api-request.js");
const undiciErrors: typeof Undici.errors = require("undici/lib/core/errors.js");

/** The dispatcher method behind undici's `request`: called with the dispatcher as `this`. */
type ApiRequest = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

export const Agent = AgentClass;
export const errors = undiciErrors;
export type Dispatcher = Undici.Dispatcher;

/** Options of {@link request}: undici's, without the origin and path (they come from the URL). */
export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, "origin" | "path"> & {
  dispatcher: Undici.Dispatcher;
};

/**
 * undici's `request(url, options)` on an explicit dispatcher: what its entry point's wrapper does for a
 * full URL (origin, then path with the query), without the wrapper's module.
 */
export function request(url: string, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const target = new URL(url);
  const { dispatcher, ...rest } = options;
  return apiRequest.call(dispatcher, {
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
  });
}
