import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  type EventHandlerConfiguration,
  getPath,
  handlerApiPath as base,
  handlerIdPattern,
  type HandlerKind,
  type HandlerTestResult,
  maskedSecret,
  maxHandlersPerDomain,
  secretPaths,
  withPath,
} from "../../provider/schemas";
import type { Principal } from "../auth";
import type { DeliveryRecord } from "../delivery/dispatcher";
import { testEventFor } from "../delivery/testEvent";
import { bodyless } from "../bodyParser";
import { assertVisible, parseDomain } from "../domains";
import { codes, DmError, payloadError } from "../errors";
import type { SandboxOptions } from "../options";
import { present } from "../present";
import type { SandboxApp } from "../server";
import type { StoredHandler } from "../store";
import { assertAllowedTargets } from "../targets";
import { restoreUriPassword } from "../uriPassword";
import { isObject, mergeUpdate, parseConfiguration } from "../validation";

interface Context extends Pick<SandboxApp, "store" | "dispatcher"> {
  options: SandboxOptions;
  principalOf(request: FastifyRequest): Principal;
}

export function registerHandlerRoutes(app: FastifyInstance, context: Context): void {
  const { options, store, dispatcher } = context;

  function domainFor(request: FastifyRequest, bodyDomain?: string | null): string {
    const principal = context.principalOf(request);
    const query = (request.query as { domain?: string | string[] }).domain;
    // `?domain=a&domain=b` arrives as an array: which one was meant is anyone's guess, so neither.
    if (Array.isArray(query))
      throw new DmError(
        codes.invalidPayload,
        `invalid query: domain is given ${query.length} times; give one ?domain=`,
      );
    const domain = parseDomain(query ?? bodyDomain ?? principal.domain);
    assertVisible(domain, principal.root);
    return domain;
  }

  function visibleHandler(request: FastifyRequest, rawId: string): StoredHandler {
    if (!handlerIdPattern.test(rawId))
      throw new DmError(codes.invalidId, `"${rawId}" is not a valid handler id (24 hex characters)`);
    const handler = store.get(rawId);
    const principal = context.principalOf(request);
    if (!handler || !handler.domain.startsWith(principal.root))
      throw new DmError(codes.notFound, `handler ${rawId} not found`);
    return handler;
  }

  /** Everything a configuration must satisfy besides its schema. */
  async function assertAcceptable(config: EventHandlerConfiguration, kind: HandlerKind, domain: string) {
    if (config.type !== kind) throw payloadError(`type must be "${kind}" on this endpoint`);
    if (options.strict && config.type === "kafka" && config.connectionConfig.type === "domainProperties")
      throw payloadError('connectionConfig.type must be "domainProperty"');
    await assertAllowedTargets(config, dispatcher.targets);
    dispatcher.assertKafkaPropertiesAvailable(config, domain);
  }

  /** A create or test-new body: its configuration and domain, once everything accepts them. */
  async function acceptableNew(request: FastifyRequest, kind: HandlerKind) {
    const config = parseConfiguration(request.body, options.strict);
    const domain = domainFor(request, config.domain);
    await assertAcceptable(config, kind, domain);
    return { config, domain };
  }

  /** A test delivery of `config` in `domain`, as the handler `id` if it is a stored one. */
  const deliverTest = (config: EventHandlerConfiguration, domain: string, id?: string) =>
    dispatcher.deliver(config, domain, testEventFor(config.filter, domain), "test", id);

  app.get(base, async (request) =>
    store.inDomain(domainFor(request)).map((handler) => present(handler, options.masking)),
  );

  app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) =>
    present(visibleHandler(request, request.params.id), options.masking),
  );

  for (const kind of ["webhook", "kafka"] as const) {
    app.post(`${base}/${kind}`, async (request, reply) => {
      const { config, domain } = await acceptableNew(request, kind);
      if (store.inDomain(domain).length >= maxHandlersPerDomain)
        throw new DmError(
          codes.handlerLimit,
          `handler limit reached: domain ${domain} already has ${maxHandlersPerDomain} handlers`,
        );
      const id = store.newId();
      store.put({
        ...config,
        id,
        domain,
        createdAt: new Date().toISOString(),
        status: config.enabled ? "active" : "inactive",
        consecutiveFailures: 0,
      });
      return reply.code(201).type("application/json").send(JSON.stringify(id));
    });

    app.put<{ Params: { id: string } }>(`${base}/${kind}/:id`, async (request) => {
      const current = visibleHandler(request, request.params.id);
      if (current.type !== kind) throw payloadError(`handler ${current.id} is a ${current.type} handler`);
      const immutable = ["type", "domain"].find((field) => isObject(request.body) && field in request.body);
      if (immutable)
        throw payloadError(`${immutable}: cannot be changed (delete the handler and create a new one)`);
      const saved = mergeUpdate(
        current,
        withStoredSecrets(request.body ?? {}, current),
        options.strict,
        ({ enabled }, enabledGiven) => ({
          status: enabled ? "active" : current.status === "failed" && !enabledGiven ? "failed" : "inactive",
          consecutiveFailures: enabled && !current.enabled ? 0 : current.consecutiveFailures,
        }),
      );
      await assertAcceptable(saved, kind, saved.domain);
      store.put(saved);
      return present(saved, options.masking);
    });

    app.post(`${base}/test/${kind}`, async (request) => {
      const { config, domain } = await acceptableNew(request, kind);
      return testResult(await deliverTest(config, domain));
    });
  }

  app.delete<{ Params: { id: string } }>(`${base}/:id`, bodyless, async (request, reply) => {
    const handler = visibleHandler(request, request.params.id);
    store.delete(handler.id);
    dispatcher.forget(handler.id); // nothing queued for it may still go out
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>(`${base}/test/existing/:id`, bodyless, async (request) => {
    const handler = visibleHandler(request, request.params.id);
    const record = await deliverTest(handler, handler.domain, handler.id);
    const latest = store.get(handler.id);
    // A successful test switches a handler back on, also one DM switched off after failures.
    if (record.ok && latest)
      store.put({ ...latest, enabled: true, status: "active", consecutiveFailures: 0 });
    return testResult(record);
  });
}

/**
 * A masked secret sent back means "keep the one you have" (docs/dm-contract.md § 5). Restored before
 * validation, so that writing back exactly what a GET returned is always accepted (a masked Kafka `value`
 * has no bootstrap.servers line of its own).
 */
function withStoredSecrets(body: unknown, current: StoredHandler): unknown {
  if (!isObject(body) || !isObject(body.connectionConfig)) return body;
  let next = structuredClone(body.connectionConfig);
  for (const path of secretPaths[current.type]) {
    if (getPath(next, path) !== maskedSecret) continue;
    const stored = getPath(current.connectionConfig, path);
    if (typeof stored !== "string")
      throw payloadError(
        `connectionConfig.${path}: is masked ("${maskedSecret}") but handler ${current.id} stores no such secret to keep`,
      );
    next = withPath(next, path, stored);
  }
  // A password in the URI is masked on reads too (present.ts); the same rule brings it back.
  if (typeof next.uri === "string" && current.type === "webhook")
    next.uri = restoreUriPassword(next.uri, current.connectionConfig.uri, current.id);
  return { ...body, connectionConfig: next };
}

/** A test's answer (docs/dm-contract.md § 4): a failed delivery is `successful: false` with its reason. */
function testResult(record: DeliveryRecord): HandlerTestResult {
  if (!record.ok) return { successful: false, message: record.error };
  const message = record.status
    ? `test event delivered, the receiver answered HTTP ${record.status}`
    : "test event delivered";
  return { successful: true, message };
}
