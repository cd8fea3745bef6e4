import * as pulumi from "@pulumi/pulumi";
import {
  EventHandler,
  type EventHandlerArgs,
  KafkaConnection,
  type KafkaConnectionArgs,
} from "pulumi-coiote";

/**
 * The handlers come from stack config, so a test edits the infrastructure by editing config, exactly as a
 * user edits code. A string "@secret:<key>" anywhere in the args is replaced by the secret config value
 * <key>, which exercises secrets arriving as Outputs.
 */
interface HandlerSpec {
  resourceName: string;
  args: EventHandlerArgs;
}

const config = new pulumi.Config();

function resolveSecrets(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith("@secret:"))
    return config.requireSecret(value.slice("@secret:".length));
  if (Array.isArray(value)) return value.map(resolveSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolveSecrets(inner)]));
  }
  return value;
}

const specs = config.requireObject<HandlerSpec[]>("handlers");
const handlers = specs.map(
  (spec) => new EventHandler(spec.resourceName, resolveSecrets(spec.args) as EventHandlerArgs),
);

// Kafka connections, the same way (config "connections": [{ resourceName, args }]).
const connectionSpecs =
  config.getObject<Array<{ resourceName: string; args: KafkaConnectionArgs }>>("connections") ?? [];
for (const spec of connectionSpecs)
  new KafkaConnection(spec.resourceName, resolveSecrets(spec.args) as KafkaConnectionArgs);

export const ids = Object.fromEntries(
  handlers.map((handler, index) => [specs[index]!.resourceName, handler.id]),
);
export const lastTests = Object.fromEntries(
  handlers.map((handler, index) => [specs[index]!.resourceName, handler.lastTest]),
);
