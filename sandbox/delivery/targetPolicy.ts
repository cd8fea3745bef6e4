import { lookup as systemLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { canonicalAddress, internalKind, isOwnAddress } from "./addresses";

/** A host name's addresses, as the HTTP and Kafka clients would connect to them. */
export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const defaultLookup: HostLookup = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

/** One place a delivery would connect to. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface TargetPolicyOptions {
  /** Refuse internal addresses too (--restrict-internal), not only the sandbox itself. */
  restrictInternal: boolean;
  /** The ports the sandbox listens on right now (empty before it listens). */
  ownPorts: () => number[];
  lookup: HostLookup;
  /** A name that does not resolve within this long counts as unresolvable. */
  lookupTimeoutMs: number;
}

/** The host of a URL or `host:port`, without IPv6 brackets. */
const unbracket = (host: string) => host.replace(/^\[|\]$/g, "");

/** Where a webhook URI connects: WHATWG parsing already turns 0177.0.0.1 or 2130706433 into 127.0.0.1. */
export function webhookEndpoint(uri: string | URL): Endpoint {
  const url = typeof uri === "string" ? new URL(uri) : uri;
  return {
    host: unbracket(url.hostname),
    port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
  };
}

/**
 * Kafka's `bootstrap.servers`: comma-separated `host:port`, optionally with a listener prefix
 * (`PLAINTEXT://`), IPv6 in brackets. As Kafka's own parser, the port is what follows the last colon.
 */
export function kafkaEndpoints(servers: string): Endpoint[] {
  return servers
    .split(",")
    .map((entry) => entry.trim().replace(/^[A-Za-z_][A-Za-z0-9_]*:\/\//, ""))
    .filter(Boolean)
    .map((entry) => {
      const match = /^(.*):(\d+)$/.exec(entry);
      return match
        ? { host: unbracket(match[1]!), port: Number(match[2]) }
        : { host: unbracket(entry), port: 9092 };
    });
}

/**
 * Decides whether a delivery may connect somewhere. The sandbox never delivers to itself (any address
 * of this machine at a port it listens on): a webhook to its own /__sandbox/events re-injects events
 * (an endless, amplifying loop) and one to /__sandbox/tokens mints tokens for any domain. With
 * restrictInternal, internal addresses are refused as well. Always decided on resolved addresses.
 */
export class TargetPolicy {
  constructor(private readonly options: TargetPolicyOptions) {}

  /** Why connecting to this address and port is refused, or undefined if it is allowed. */
  addressRefusal(address: string, port: number): string | undefined {
    const canonical = canonicalAddress(address);
    if (!canonical) return `${address} is not an IP address`;
    if (isOwnAddress(canonical) && this.options.ownPorts().includes(port)) {
      const where = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
      return `${where} is this sandbox's own listener, and the sandbox never delivers to itself`;
    }
    if (this.options.restrictInternal) {
      const kind = internalKind(canonical);
      if (kind) return `${address} is ${kind} (internal targets are refused)`;
    }
    return undefined;
  }

  /**
   * Why an endpoint is refused, or undefined. A name is resolved (both as written and as a URL would
   * normalise it, since clients differ); one refused address refuses the endpoint. A name that does not
   * resolve is allowed here: nothing can connect to it, and every delivery checks again.
   */
  async endpointRefusal({ host, port }: Endpoint): Promise<string | undefined> {
    // Nothing of this machine can be reached on another port; only --restrict-internal needs every name.
    if (!this.options.restrictInternal && !this.options.ownPorts().includes(port)) return undefined;
    for (const address of await this.resolve(host)) {
      const refusal = this.addressRefusal(address, port);
      if (refusal) return address === host ? refusal : `${host} resolves to ${address}; ${refusal}`;
    }
    return undefined;
  }

  /** The first refused endpoint's reason, or undefined when all are allowed. */
  async firstRefusal(endpoints: Endpoint[]): Promise<string | undefined> {
    for (const endpoint of endpoints) {
      const refusal = await this.endpointRefusal(endpoint);
      if (refusal) return refusal;
    }
    return undefined;
  }

  async resolve(host: string): Promise<string[]> {
    if (isIP(host)) return [host];
    const names = new Set([host]);
    try {
      names.add(unbracket(new URL(`http://${host.includes(":") ? `[${host}]` : host}/`).hostname));
    } catch {
      // not a valid URL host: only the name as written
    }
    const addresses: string[] = [];
    for (const name of names) {
      if (isIP(name)) addresses.push(name);
      else addresses.push(...(await this.lookupQuietly(name)).map((entry) => entry.address));
    }
    return addresses;
  }

  /** The lookup with a deadline; a failure or timeout is an empty answer. */
  async lookupQuietly(name: string): Promise<Array<{ address: string; family: number }>> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<[]>((done) => (timer = setTimeout(done, this.options.lookupTimeoutMs, [])));
    const answer = this.options.lookup(name).catch(() => []);
    return Promise.race([answer, late]).finally(() => clearTimeout(timer));
  }
}
