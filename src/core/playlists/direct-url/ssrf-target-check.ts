// The static half of the SSRF guard (spec 07 §10) that PrepareDirectUrl and AddMedia apply to a URL
// before storing it: denied host names, literal IPs in non-global ranges, and ports. The connect-time
// half (filtering DNS answers in the agent's lookup hook) belongs to whoever fetches the URL.
import { BlockList, isIP } from "node:net";

export interface SsrfPolicy {
  enabled: boolean;
  allowPrivateNetworkTargets: boolean;
  allowedHosts: readonly string[];
  allowedIpRanges: readonly string[];
  allowedPorts: readonly number[];
}

export const SSRF_DISABLED: SsrfPolicy = {
  enabled: false,
  allowPrivateNetworkTargets: false,
  allowedHosts: [],
  allowedIpRanges: [],
  allowedPorts: [80, 443, 8080, 8443],
};

export type SsrfVerdict = { allowed: true } | { allowed: false; reason: string };

const DENIED_HOSTS = new Set(["localhost", "metadata.google.internal", "instance-data", "metadata.azure.com"]);

// Never reachable, not even through allowed_hosts: loopback, link-local, documentation, multicast, "this network".
const NEVER = blockList([
  ["0.0.0.0", 8, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["255.255.255.255", 32, "ipv4"],
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["2001:db8::", 32, "ipv6"],
  ["ff00::", 8, "ipv6"],
]);
// RFC 1918 and ULA: unlocked by allow_private_network_targets.
const PRIVATE = blockList([
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["fc00::", 7, "ipv6"],
]);
// The rest of the non-global space of 07 §10.
const OTHER_NON_GLOBAL = blockList([
  ["100.64.0.0", 10, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.88.99.0", 24, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  ["64:ff9b::", 96, "ipv6"],
  ["100::", 64, "ipv6"],
  ["2001::", 32, "ipv6"],
]);

function blockList(ranges: [string, number, "ipv4" | "ipv6"][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

/** Checks `url` (already parsed, http or https) against the policy without any network access. */
export function checkSsrfTarget(url: URL, policy: SsrfPolicy): SsrfVerdict {
  if (!policy.enabled) return { allowed: true };
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (DENIED_HOSTS.has(host) || host.endsWith(".localhost")) return deny("host is not allowed");
  const allowedHost = policy.allowedHosts.some((h) => h.toLowerCase() === host);
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  const family = isIP(host);
  if (family !== 0) {
    const address = embeddedIpv4(host) ?? host;
    const kind = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (inRanges(address, kind, policy.allowedIpRanges)) return { allowed: true };
    if (NEVER.check(address, kind)) return deny("address is not reachable from this server");
    const isPrivate = PRIVATE.check(address, kind);
    if (isPrivate && !policy.allowPrivateNetworkTargets && !allowedHost) return deny("private address");
    if (OTHER_NON_GLOBAL.check(address, kind) && !allowedHost) return deny("non-global address");
    if (isPrivate || allowedHost) return { allowed: true };
  }
  if (allowedHost) return { allowed: true };
  const schemeDefault = url.protocol === "https:" ? 443 : 80;
  if (port !== schemeDefault && !policy.allowedPorts.includes(port)) return deny("port is not allowed");
  return { allowed: true };
}

function deny(reason: string): SsrfVerdict {
  return { allowed: false, reason };
}

/** IPv4-mapped (::ffff:a.b.c.d) and 6to4 (2002:AABB:CCDD::/48) addresses are judged as their IPv4. */
function embeddedIpv4(ipv6: string): string | null {
  if (isIP(ipv6) !== 6) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ipv6);
  if (mapped?.[1]) return mapped[1];
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ipv6);
  if (hexMapped?.[1] && hexMapped[2]) return wordsToIpv4(hexMapped[1], hexMapped[2]);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(:|$)/i.exec(ipv6);
  if (sixToFour?.[1] && sixToFour[2]) return wordsToIpv4(sixToFour[1], sixToFour[2]);
  return null;
}

function wordsToIpv4(high: string, low: string): string {
  const h = Number.parseInt(high, 16);
  const l = Number.parseInt(low, 16);
  return [h >> 8, h & 0xff, l >> 8, l & 0xff].join(".");
}

function inRanges(address: string, kind: "ipv4" | "ipv6", ranges: readonly string[]): boolean {
  for (const range of ranges) {
    const [base, prefix] = range.split("/");
    if (!base || isIP(base) === 0) continue;
    const family = isIP(base) === 4 ? "ipv4" : "ipv6";
    const list = new BlockList();
    list.addSubnet(base, prefix === undefined ? (family === "ipv4" ? 32 : 128) : Number(prefix), family);
    if (list.check(address, kind)) return true;
  }
  return false;
}
