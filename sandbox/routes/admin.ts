import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { bodyless } from "../bodyParser";
import { deviceEventSchema } from "../delivery/events";
import { parseDomain } from "../domains";
import { codes, DmError, payloadError } from "../errors";
import { faultSchema } from "../faults";
import { present } from "../present";
import type { SandboxApp } from "../server";
import { issueList, mergeUpdate, parseOr } from "../validation";

export const adminPrefix = "/__sandbox";

interface Context extends Omit<SandboxApp, "app"> {
  /** The sandbox's --strict: out-of-band edits pass the same checks as the DM API's writes. */
  strict: boolean;
}

const tokenRequestSchema = z.strictObject({
  /** The token's domain: its default and the root of what it may see. */
  domain: z.string().default("/sandbox/"),
  ttlSeconds: z.number().positive().max(86_400).default(300),
  /** A chosen token value (default: random). */
  token: z.string().regex(/^\S+$/).optional(),
});

const domainKafkaSchema = z.strictObject({ properties: z.string({ error: "must be a string" }) });

/** Calls that take no body: nothing, or an empty JSON object. */
const noBodySchema = z.strictObject({}, { error: "this call takes no body" }).optional();

/** What GET /handlers shows besides the configuration: written back unchanged, it is ignored. */
const readOnlyFields = ["id", "type", "domain", "createdAt", "status", "consecutiveFailures"] as const;

function parseOr400<T>(schema: z.ZodType<T>, body: unknown): T {
  return parseOr(schema, body, (error) => new DmError(codes.invalidPayload, issueList(error.issues)));
}

/** Route options for the calls that take no body: checked before the route runs. */
const noBody = {
  ...bodyless,
  preValidation: async (request: FastifyRequest) => void parseOr400(noBodySchema, request.body),
};

/** A route that empties what it is given, in order, and answers `{}`. */
const clearing =
  (...targets: Array<{ clear(): void }>) =>
  async () => {
    for (const target of targets) target.clear();
    return {};
  };

/** The domain of `/__sandbox/domains/<domain>/kafka`, as written. */
function kafkaDomain(request: FastifyRequest<{ Params: { "*": string } }>): string {
  const match = /^(.*)\/kafka$/.exec(request.params["*"]);
  if (!match) throw new DmError(codes.notFound, `use ${request.method} /__sandbox/domains/<domain>/kafka`);
  return match[1]!;
}

/**
 * The sandbox's own API, all under one prefix (docs/dm-contract.md § 8): event injection, domain Kafka
 * properties, faults, logs, out-of-band edits and reset. Guarded by adminGuard.ts (local Host, same
 * Origin, JSON bodies, optional admin token); every body is validated before anything changes.
 */
export function registerAdminRoutes(app: FastifyInstance, context: Context): void {
  const { store, dispatcher, faults, requestLog, auth, strict } = context;

  app.post<{ Querystring: { wait?: string } }>(`${adminPrefix}/events`, async (request) => {
    const raw = Array.isArray(request.body) ? request.body : [request.body];
    const events = raw
      .map((event) => parseOr400(deviceEventSchema, event))
      .map((event) => ({ ...event, domain: parseDomain(event.domain) }));
    if (request.query.wait === "true") {
      const records = (await Promise.all(events.map((event) => dispatcher.dispatch(event)))).flat();
      return {
        events: events.length,
        deliveries: records.length,
        results: records.map(({ event: _e, ...r }) => r),
      };
    }
    // Outcomes land in the delivery log; nothing waits for them, so a stuck delivery holds only itself.
    return { events: events.length, deliveries: events.reduce((n, event) => n + dispatcher.fire(event), 0) };
  });

  app.put<{ Params: { "*": string } }>(`${adminPrefix}/domains/*`, async (request) => {
    const domain = parseDomain(kafkaDomain(request));
    const { properties } = parseOr400(domainKafkaSchema, request.body);
    store.setDomainKafkaProperties(domain, properties);
    return { domain, properties };
  });

  app.delete<{ Params: { "*": string } }>(`${adminPrefix}/domains/*`, bodyless, async (request) => {
    const domain = kafkaDomain(request);
    parseOr400(noBodySchema, request.body);
    store.setDomainKafkaProperties(parseDomain(domain), undefined);
    return {};
  });

  app.post(`${adminPrefix}/faults`, async (request) => {
    const fault = parseOr400(faultSchema, request.body);
    try {
      return faults.add(fault);
    } catch (error) {
      throw new DmError(codes.invalidPayload, error instanceof Error ? error.message : String(error));
    }
  });
  app.get(`${adminPrefix}/faults`, async () => faults.list());
  app.delete(`${adminPrefix}/faults`, noBody, clearing(faults));

  app.get(`${adminPrefix}/requests`, async () => requestLog.list());
  /** How full the bounded log is, and how many entries it has dropped since it was last cleared. */
  app.get(`${adminPrefix}/requests/stats`, async () => requestLog.stats());
  app.delete(`${adminPrefix}/requests`, noBody, clearing(requestLog));
  app.get(`${adminPrefix}/deliveries`, async () => dispatcher.deliveries());
  /** The bounds at work: queue and log sizes, what was dropped, cancelled or refused; the process's memory. */
  app.get(`${adminPrefix}/deliveries/stats`, async () => {
    const { rss, heapUsed } = process.memoryUsage();
    return { ...dispatcher.stats(), memory: { rss, heapUsed } };
  });

  /** Unmasked, with DM's bookkeeping: what tests assert against. */
  app.get(`${adminPrefix}/handlers`, async () =>
    store.all().map((h) => ({ ...present(h, false), consecutiveFailures: h.consecutiveFailures })),
  );

  /**
   * Out-of-band edit, as a person in DM's UI would make it: drift for refresh to find. The patch is a DM
   * PUT body (connectionConfig replaced whole) and the result must pass the same schema as any DM write,
   * so nothing the DM API would refuse can be planted in the store.
   */
  app.post<{ Params: { id: string } }>(`${adminPrefix}/handlers/:id`, async (request) => {
    const current = store.get(request.params.id);
    if (!current) throw new DmError(codes.notFound, `handler ${request.params.id} not found`);
    const patch = parseOr400(
      z.record(z.string(), z.unknown(), { error: "send a JSON object" }),
      request.body,
    );
    for (const field of readOnlyFields) {
      if (!(field in patch)) continue;
      if (patch[field] !== current[field]) throw payloadError(`${field}: cannot be changed here`);
      delete patch[field];
    }
    // Only a change of `enabled` moves the status; the failure count stays as DM's bookkeeping left it.
    const next = mergeUpdate(current, patch, strict, (config, enabledGiven) =>
      enabledGiven ? { status: config.enabled ? "active" : "inactive" } : {},
    );
    store.put(next);
    return present(next, false);
  });
  app.delete<{ Params: { id: string } }>(`${adminPrefix}/handlers/:id`, noBody, async (request) => {
    if (!store.delete(request.params.id))
      throw new DmError(codes.notFound, `handler ${request.params.id} not found`);
    dispatcher.forget(request.params.id);
    return {};
  });

  /** A bearer token bound to one domain tree, without a user: for tests of visibility and expiry. */
  app.post(`${adminPrefix}/tokens`, async (request, reply) => {
    const { domain, ttlSeconds, token } = parseOr400(tokenRequestSchema, request.body ?? {});
    return reply
      .code(201)
      .send({ ...auth.issue("admin-issued", domain, ttlSeconds, token), domain: parseDomain(domain) });
  });

  app.post(
    `${adminPrefix}/reset`,
    noBody,
    clearing({ clear: () => store.reset() }, faults, requestLog, dispatcher),
  );
}
