import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { Agent, buildConnector } from "undici";
import type { TargetPolicy } from "./targetPolicy";

/** A connection the policy refused; its message is the reason, shown as the delivery's error. */
export class RefusedTarget extends Error {
  override readonly name = "RefusedTarget";
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The HTTP agent webhook deliveries go through. It checks every address a socket is about to connect to
 * (the very answer handed to the socket, so a name that changes between a check and the connection, DNS
 * rebinding, cannot slip through), IP literals included, whatever checks ran before.
 */
export function guardedAgent(policy: TargetPolicy, connectTimeoutMs: number): Agent {
  // One connector per port: the lookup hook is told the host name, not the port it is for.
  const connectors = new Map<number, buildConnector.connector>();
  const connectorFor = (port: number) => {
    let connector = connectors.get(port);
    if (!connector) {
      connector = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(policy, port) });
      connectors.set(port, connector);
    }
    return connector;
  };
  return new Agent({
    connect(options, callback) {
      const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
      const hostname = options.hostname.replace(/^\[|\]$/g, "");
      // A socket skips the lookup for an IP literal, so it is checked here.
      const refusal = isIP(hostname) ? policy.addressRefusal(hostname, port) : undefined;
      if (refusal) return callback(new RefusedTarget(refusal), null);
      return connectorFor(port)(options, callback);
    },
  });
}

function guardedLookup(policy: TargetPolicy, port: number) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    void policy.lookupQuietly(hostname).then((answer): void => {
      const wanted = answer.filter((entry) => !options.family || entry.family === options.family);
      if (wanted.length === 0) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
        return callback(error, []);
      }
      for (const { address } of wanted) {
        const refusal = policy.addressRefusal(address, port);
        if (refusal) return callback(new RefusedTarget(`${hostname} resolves to ${address}; ${refusal}`), []);
      }
      if (options.all) return callback(null, wanted);
      callback(null, wanted[0]!.address, wanted[0]!.family);
    });
  };
}
