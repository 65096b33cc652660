// The client address that rate limits, lockouts and audit use (spec 05 §8): the socket address,
// unless it is a trusted proxy, in which case the right-most X-Forwarded-For hop not in the list.
import { BlockList, isIP } from "node:net";

export type ClientIpResolver = (socketAddress: string | undefined, forwardedFor: string | undefined) => string;

export function createClientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  if (trustedProxies.length === 0) return (socketAddress) => normalize(socketAddress ?? "");
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address, prefix] = entry.split("/");
    if (!address) continue;
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  const isTrusted = (ip: string) => {
    const family = isIP(ip);
    return family !== 0 && trusted.check(ip, family === 6 ? "ipv6" : "ipv4");
  };
  return (socketAddress, forwardedFor) => {
    const peer = normalize(socketAddress ?? "");
    if (!isTrusted(peer) || !forwardedFor) return peer;
    const hops = forwardedFor
      .split(",")
      .map((h) => normalize(h.trim()))
      .filter((h) => isIP(h) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  };
}

/** IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are reported as plain IPv4. */
function normalize(ip: string): string {
  return ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
