import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { FastifyHttpOptions } from "fastify";
import type { SandboxOptions } from "./options";

/**
 * The Fastify and Node options that bound slow clients: without them Fastify waits forever for a whole
 * request (its requestTimeout defaults to 0) and keeps idle keep-alive sockets for 72 s, so a handful of
 * slow-header clients hold sockets open indefinitely. Node checks header and request deadlines on an
 * interval (30 s by default), so it is shortened to keep the deadlines close to what they say.
 */
export function timeoutOptions(timeouts: SandboxOptions): FastifyHttpOptions<Server> {
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs)
    throw new Error("headersTimeoutMs must not be longer than requestTimeoutMs"); // Node refuses it too
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.connectionTimeoutMs,
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, timeouts.headersTimeoutMs / 2)),
    },
  };
}

/**
 * Node's header deadline starts with a request's first byte, so a connection that never sends one is
 * only bounded by the socket's idle timeout (Fastify's connectionTimeout). That timeout would also cut a
 * request whose answer is merely slow (`?wait=true` waiting on deliveries, a latency fault), so this
 * closes an idle socket only while no request on it is being answered.
 */
export function closeIdleConnections(server: Server): void {
  const answering = new WeakSet<Socket>();
  server.on("request", (request, response) => {
    answering.add(request.socket);
    response.once("close", () => answering.delete(request.socket));
  });
  // With a listener here Node no longer destroys timed-out sockets itself: the choice is ours.
  server.on("timeout", (socket: Socket) => {
    if (!answering.has(socket)) socket.destroy();
  });
}
