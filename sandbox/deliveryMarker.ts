import type { FastifyRequest } from "fastify";
import { deliveryUserAgent } from "./delivery/webhook";
import { codes, DmError } from "./errors";

/**
 * The admin API is never an event receiver. Deliveries of this sandbox cannot reach its own listener
 * (targetPolicy.ts), but another sandbox, or DM itself, could be pointed at it: every one of their
 * requests carries `User-Agent: IoT-DM` (custom headers cannot replace it), and the admin API refuses
 * those, so no delivery can inject events, mint tokens or wipe the store. Cross-sandbox event loops are
 * cut at the same place.
 */
export async function refuseDeliveriesToAdmin(request: FastifyRequest): Promise<void> {
  if (!request.url.startsWith("/__sandbox")) return;
  const agent = request.headers["user-agent"] ?? "";
  if (agent === deliveryUserAgent || agent.startsWith(`${deliveryUserAgent}/`))
    throw new DmError(
      codes.forbidden,
      `admin API: requests from event deliveries (User-Agent ${deliveryUserAgent}) are refused`,
    );
}
