import { defaultSandboxOptions, type SandboxOptions } from "./options";
import type { KafkaProducerFactory } from "./delivery/kafka";
import { buildSandbox, type SandboxApp } from "./server";

export type { SandboxOptions, SandboxUser } from "./options";
export type { KafkaProducerFactory, KafkaRecord } from "./delivery/kafka";
export { parseProperties, effectiveProducerProperties } from "./delivery/kafka";

export interface RunningSandbox extends SandboxApp {
  /** Base URL, e.g. http://127.0.0.1:41234 (point coiote:url here). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The real Kafka producer, loaded on the first Kafka delivery: the client takes over a second to load,
 * which a sandbox that only ever sees webhooks (and every CLI start) should not pay.
 */
function lazyPlatformaticKafka(): KafkaProducerFactory {
  let loaded: Promise<KafkaProducerFactory> | undefined;
  const load = () =>
    (loaded ??= import("./delivery/platformaticKafka").then((module) => module.platformaticKafka()));
  return {
    send: async (...args) => (await load()).send(...args),
    async close() {
      if (loaded) await (await loaded).close?.();
    },
  };
}

/** Starts the DM sandbox on a real port and resolves once it accepts requests. */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  // Real Kafka delivery unless the caller brings its own producer (or turns Kafka off with `kafka: null`).
  const resolved: SandboxOptions = {
    ...defaultSandboxOptions,
    ...options,
    kafka: options.kafka === null ? undefined : (options.kafka ?? lazyPlatformaticKafka()),
  };
  const sandbox = buildSandbox(resolved);
  await sandbox.app.listen({ port: resolved.port, host: resolved.host });
  const address = sandbox.app.server.address();
  const port = typeof address === "object" && address ? address.port : resolved.port;
  const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  return {
    ...sandbox,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    async stop() {
      await sandbox.app.close();
      await sandbox.dispatcher.close();
      await resolved.kafka?.close?.();
    },
  };
}
