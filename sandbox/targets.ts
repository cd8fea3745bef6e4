import { codes, DmError } from "./errors";
import type { EventHandlerConfiguration } from "../provider/schemas";
import { parseProperties } from "./delivery/kafka";
import { kafkaEndpoints, type TargetPolicy, webhookEndpoint } from "./delivery/targetPolicy";
import { maskUriPassword } from "./uriPassword";

/**
 * When a handler is written (or a new one tested), refuse targets the policy refuses, with DM's codes:
 * 4005 for a webhook URI, 4006 for a Kafka bootstrap server. Deliveries check again on their own (a name
 * can resolve elsewhere later); this is where the user hears about it first.
 */
export async function assertAllowedTargets(
  config: EventHandlerConfiguration,
  policy: TargetPolicy,
): Promise<void> {
  if (config.type === "webhook") {
    const uri = config.connectionConfig.uri;
    const refusal = await policy.endpointRefusal(webhookEndpoint(uri));
    if (refusal)
      throw new DmError(codes.uriForbidden, `handler URI ${maskUriPassword(uri)} is forbidden: ${refusal}`);
    return;
  }
  // A domainProperty handler's servers are the domain's, checked at each delivery.
  if (config.connectionConfig.type !== "custom") return;
  const servers = parseProperties(config.connectionConfig.value)["bootstrap.servers"] ?? "";
  for (const endpoint of kafkaEndpoints(servers)) {
    const refusal = await policy.endpointRefusal(endpoint);
    if (refusal)
      throw new DmError(
        codes.bootstrapForbidden,
        `bootstrap server ${endpoint.host}:${endpoint.port} is forbidden: ${refusal}`,
      );
  }
}
