import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { adminGuard } from "./adminGuard";
import { Authenticator, type Principal } from "./auth";
import { registerJsonParser } from "./bodyParser";
import { Dispatcher } from "./delivery/dispatcher";
import { refuseDeliveriesToAdmin } from "./deliveryMarker";
import { codes, DmError } from "./errors";
import { type Fault, FaultInjector } from "./faults";
import type { SandboxOptions } from "./options";
import { type LoggedRequest, RequestLog } from "./requestLog";
import { adminPrefix, registerAdminRoutes } from "./routes/admin";
import { registerDomainRoutes } from "./routes/domains";
import { registerHandlerRoutes } from "./routes/handlers";
import { registerLoginRoutes } from "./routes/login";
import { Store } from "./store";
import { closeIdleConnections, timeoutOptions } from "./timeouts";

export interface SandboxApp {
  app: FastifyInstance;
  auth: Authenticator;
  store: Store;
  dispatcher: Dispatcher;
  faults: FaultInjector;
  requestLog: RequestLog;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Applies a fault to a request; a status fault's answer is returned, for the caller to send. */
async function inject(fault: Fault, request: FastifyRequest, reply: FastifyReply, defaultStatus: number) {
  if (fault.kind === "latency") await sleep(fault.latencyMs ?? 0);
  if (fault.kind === "drop") request.raw.socket.destroy();
  if (fault.kind !== "status") return undefined;
  const status = fault.status ?? defaultStatus;
  if (fault.retryAfter !== undefined) reply.header("retry-after", String(fault.retryAfter));
  reply.code(status);
  return { message: `injected fault: HTTP ${status}`, code: status * 10 };
}

/** What a thrown error answers, in DM's shape; undefined for a fault of the sandbox's own (a 500). */
function asDmError(error: unknown, admin: boolean, bodyLimitBytes: number): DmError | undefined {
  if (error instanceof DmError) return error;
  const { statusCode, message } = error as { statusCode?: number; message: string };
  // DM answers an oversize body like any invalid payload (400/4000, which its tests pin); the admin API is
  // the sandbox's own and says what HTTP says.
  if (statusCode === 413 && admin)
    return new DmError(4130, `payload too large: body larger than ${bodyLimitBytes} bytes`);
  if (statusCode === 413)
    return new DmError(codes.invalidPayload, `invalid payload: body larger than ${bodyLimitBytes} bytes`);
  // Malformed JSON, an unsupported content type and the like are all "invalid payload" to DM.
  if (statusCode && statusCode >= 400 && statusCode < 500)
    return new DmError(codes.invalidPayload, `invalid payload: ${message}`);
  return undefined;
}

/** Builds the sandbox: DM's API under /api, the sandbox's own under /__sandbox. */
export function buildSandbox(options: SandboxOptions): SandboxApp {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    // Logs go to standard error: standard output carries only the "listening on" line scripts wait for.
    logger: options.verbose ? { level: "info", stream: process.stderr } : false,
    ...timeoutOptions(options),
  });
  closeIdleConnections(app.server);
  const store = new Store(options.dataFile, options.compactAfterChanges);
  // The ports it listens on, for refusing deliveries to itself (none until it listens; a pipe has none).
  let ownPorts: number[] = [];
  app.addHook("onListen", async () => {
    ownPorts = app.addresses().flatMap((address) => (typeof address === "string" ? [] : [address.port]));
  });
  const dispatcher = new Dispatcher(options, store, () => ownPorts);
  const faults = new FaultInjector();
  const requestLog = new RequestLog(options.requestLogLimit);
  const auth = new Authenticator(options);
  const principals = new WeakMap<FastifyRequest, Principal>();
  const logEntries = new WeakMap<FastifyRequest, LoggedRequest>();
  const lateFaults = new WeakMap<FastifyRequest, Fault>();

  registerJsonParser(app);
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.addHook("onRequest", async (request, reply) => {
    // DM's side of the server (handler API, login, Keycloak): logged, faultable. /__sandbox/ is neither.
    if (!request.url.startsWith("/api/") && !request.url.startsWith("/iam/")) return;
    const [path, query = ""] = request.url.split("?") as [string, string?];
    const entry = requestLog.add({ method: request.method, path, query });
    logEntries.set(request, entry);
    const fault = faults.take(request.method, path);
    if (!fault) return;
    entry.fault = `${fault.kind}${fault.afterCommit ? " after commit" : ""}`;
    if (fault.afterCommit) {
      lateFaults.set(request, fault);
      return;
    }
    if (fault.kind === "drop") reply.hijack();
    const answer = await inject(fault, request, reply, 503);
    if (answer) return reply.send(answer);
  });

  // Faults "after commit": the request really ran; now its answer is delayed, replaced or lost.
  app.addHook("onSend", async (request, reply, payload) => {
    const fault = lateFaults.get(request);
    const answer = fault && (await inject(fault, request, reply, 500));
    if (!answer) return payload;
    reply.type("application/json");
    return JSON.stringify(answer);
  });

  // Nothing is acknowledged before it is on disk: every answer waits for the journal's fsync of the
  // changes made so far (one fsync serves all the answers waiting at that moment).
  app.addHook("onSend", async (_request, _reply, payload) => {
    await store.durable();
    return payload;
  });
  app.addHook("onClose", async () => store.close());

  app.addHook("onResponse", async (request, reply) => {
    const entry = logEntries.get(request);
    if (entry && !request.raw.socket.destroyed) entry.status = reply.statusCode;
  });

  app.addHook("onRequest", refuseDeliveriesToAdmin);

  // Authenticate before the body is read, as DM does: no token means 401 whatever the body holds.
  // A second onRequest hook, so that injected faults (the network, in front of DM) come first.
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/coiotedm/")) return;
    principals.set(request, auth.authenticate(request.headers.authorization));
  });

  app.setErrorHandler((error, request, reply) => {
    const admin = request.routeOptions.url?.startsWith(`${adminPrefix}/`) === true;
    let answer = asDmError(error, admin, options.bodyLimitBytes);
    if (!answer) {
      reply.log.error(error);
      answer = new DmError(5000, "internal error");
    }
    return reply.code(answer.status).send(answer.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      message: `no such endpoint: ${request.method} ${request.url.split("?")[0]}`,
      code: codes.notFound,
    });
  });

  registerLoginRoutes(app, auth);
  const principalOf = (request: FastifyRequest) => {
    const principal = principals.get(request);
    if (!principal) throw new DmError(codes.unauthorized, "missing bearer token");
    return principal;
  };
  registerHandlerRoutes(app, { options, store, dispatcher, principalOf });
  registerDomainRoutes(app, { store, principalOf });
  // Its own plugin, so the guard's hook runs for the admin routes only (Fastify encapsulation).
  app.register(async (admin) => {
    admin.addHook("onRequest", adminGuard(options));
    registerAdminRoutes(admin, { store, dispatcher, faults, requestLog, auth, strict: options.strict });
  });
  return { app, auth, store, dispatcher, faults, requestLog };
}
