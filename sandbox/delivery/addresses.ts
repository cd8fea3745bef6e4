import { isIP } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * IP addresses as delivery targets: one canonical spelling per address, and what kind of address it is.
 * Decisions are made on resolved addresses, never on how a host was written: `[::ffff:7f00:1]`,
 * `0177.0.0.1` and `localhost` are all 127.0.0.1 once resolved, and must all be treated as such.
 */

/** Eight 16-bit groups, or undefined if `text` is not an IPv6 address (a `%zone` suffix is ignored). */
function ipv6Groups(text: string): number[] | undefined {
  let address = text.replace(/%.*$/, "");
  if (isIP(address) !== 6) return undefined;
  // A trailing dotted quad (::ffff:127.0.0.1) is two groups written the IPv4 way.
  address = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((g) => g.toString(16)).join(":"),
  );
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const gap = address.indexOf("::");
  if (gap < 0) return parse(address);
  const left = parse(address.slice(0, gap));
  const right = parse(address.slice(gap + 2));
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The canonical spelling: dotted IPv4 (also for IPv4-mapped IPv6 such as ::ffff:127.0.0.1 or
 * ::ffff:7f00:1, which connect to that IPv4 address), fully expanded lowercase IPv6 otherwise.
 * Undefined for anything that is not an IP address.
 */
export function canonicalAddress(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.split(".").map(Number).join(".");
  const groups = ipv6Groups(bare);
  if (!groups || groups.length !== 8) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return embeddedIPv4(groups);
  return groups.map((g) => g.toString(16)).join(":");
}

function embeddedIPv4(groups: number[]): string {
  const [hi, lo] = [groups[6]!, groups[7]!];
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

function ipv4Octets(address: string): [number, number, number, number] {
  return address.split(".").map(Number) as [number, number, number, number];
}

/** Loopback or "this host" (0.0.0.0/8, ::): a connection to it reaches this very machine. */
function isLoopbackOrUnspecified(canonical: string): boolean {
  if (isIP(canonical) === 4) {
    const [a] = ipv4Octets(canonical);
    return a === 127 || a === 0;
  }
  return canonical === "0:0:0:0:0:0:0:1" || canonical === "0:0:0:0:0:0:0:0";
}

/** Every address of this machine's interfaces, canonical (read at each call: interfaces come and go). */
function interfaceAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      const canonical = canonicalAddress(entry.address);
      if (canonical) addresses.add(canonical);
    }
  }
  return addresses;
}

/** True when a connection to this (canonical) address would arrive at this machine. */
export function isOwnAddress(canonical: string): boolean {
  return isLoopbackOrUnspecified(canonical) || interfaceAddresses().has(canonical);
}

/**
 * Why an address is inside the installation's network (what --restrict-internal refuses), or undefined
 * for a public address. IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms are judged by the
 * IPv4 address they carry.
 */
export function internalKind(canonical: string): string | undefined {
  if (isOwnAddress(canonical) && !isLoopbackOrUnspecified(canonical)) return "an address of this machine";
  if (isIP(canonical) === 4) {
    const [a, b] = ipv4Octets(canonical);
    if (a === 127) return "a loopback address";
    if (a === 0) return "an unspecified address";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
    if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address";
    if (a === 169 && b === 254) return "a link-local address";
    return undefined;
  }
  const groups = canonical.split(":").map((g) => parseInt(g, 16));
  if (canonical === "0:0:0:0:0:0:0:1") return "a loopback address";
  if (canonical === "0:0:0:0:0:0:0:0") return "an unspecified address";
  const carriesIPv4 =
    groups.slice(0, 6).every((g) => g === 0) ||
    (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0));
  if (carriesIPv4) return internalKind(embeddedIPv4(groups));
  const first = groups[0]!;
  if ((first & 0xfe00) === 0xfc00) return "a private (unique local) address";
  if ((first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0) return "a link-local address";
  return undefined;
}
