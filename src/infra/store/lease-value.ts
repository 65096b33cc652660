// The stored value of a lease, "{holderId}:{token}" (spec 08 §7.2), shared by both backends so a
// holder is compared on the whole pair: a stale token of the same holder never matches.

import type { LeaseHolder } from "./types.js";

export function formatLeaseValue(holderId: string, token: number): string {
  return `${holderId}:${token}`;
}

/** Splits at the last colon: holder ids may contain colons, tokens never do. */
export function parseLeaseValue(value: string): LeaseHolder | null {
  const at = value.lastIndexOf(":");
  if (at < 0) return null;
  const token = Number(value.slice(at + 1));
  if (!Number.isSafeInteger(token) || token <= 0) return null;
  return { holderId: value.slice(0, at), token };
}

/** The fencing counter lives next to the lease and never expires, so tokens never go backwards. */
export function fenceKeyOf(leaseKey: string): string {
  return `${leaseKey}:fence`;
}
