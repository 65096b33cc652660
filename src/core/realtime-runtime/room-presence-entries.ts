// The shared record of a room's presence: one field per node in the store map `presence:room:<id>`,
// holding that node's identities and their open connections; the room-wide view merges the fields.
import type { RoomRole } from "../permissions/index.js";
import { identityKey, type PresenceIdentity, type RoomPresenceCounts } from "./presence-identity.js";

/** One identity on one node; `connections` 0 means its presence is held for a resume. */
export interface NodeIdentity {
  identity: PresenceIdentity;
  connections: number;
}

/** One identity across the room's nodes. */
export interface RoomIdentity {
  identity: PresenceIdentity;
  connections: number;
  /** Nodes that hold it (live or held for a resume). */
  nodes: Set<string>;
}

export function presenceMapKey(roomId: number): string {
  return `presence:room:${roomId}`;
}

type WireIdentity = { k: "u" | "g"; i: number | string; n: string; r: string; c: number };

export function encodeNodeEntry(identities: Iterable<NodeIdentity>): string {
  const list: WireIdentity[] = [];
  for (const { identity, connections } of identities) {
    list.push({
      k: identity.kind === "user" ? "u" : "g",
      i: identity.kind === "user" ? identity.userId : identity.guestId,
      n: identity.username,
      r: identity.role,
      c: connections,
    });
  }
  return JSON.stringify(list);
}

/** Tolerant: a malformed field (another version, a bug) contributes nothing rather than failing reads. */
export function decodeNodeEntry(raw: string): NodeIdentity[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: NodeIdentity[] = [];
  for (const item of parsed as Partial<WireIdentity>[]) {
    if (typeof item !== "object" || item === null) continue;
    const connections = typeof item.c === "number" && item.c >= 0 ? item.c : 0;
    const username = typeof item.n === "string" ? item.n : "";
    if (item.k === "u" && typeof item.i === "number") {
      out.push({ identity: { kind: "user", userId: item.i, username, role: roleOf(item.r) }, connections });
    } else if (item.k === "g" && typeof item.i === "string") {
      out.push({ identity: { kind: "guest", guestId: item.i, username, role: "GUEST" }, connections });
    }
  }
  return out;
}

const ROLES: readonly string[] = ["CREATOR", "ADMIN", "MEMBER", "GUEST"];
function roleOf(value: unknown): RoomRole {
  return typeof value === "string" && ROLES.includes(value) ? (value as RoomRole) : "MEMBER";
}

/** Merges the nodes' fields (optionally leaving one node out) into one identity per person. */
export function mergeNodeEntries(fields: ReadonlyMap<string, string>, exceptNode?: string): Map<string, RoomIdentity> {
  const merged = new Map<string, RoomIdentity>();
  for (const [nodeId, raw] of fields) {
    if (nodeId === exceptNode) continue;
    for (const { identity, connections } of decodeNodeEntry(raw)) {
      const key = identityKey(identity);
      const seen = merged.get(key);
      if (seen === undefined) merged.set(key, { identity, connections, nodes: new Set([nodeId]) });
      else {
        seen.connections += connections;
        seen.nodes.add(nodeId);
      }
    }
  }
  return merged;
}

export function countsOf(identities: Iterable<RoomIdentity>, sampledAt: number): RoomPresenceCounts {
  const counts: RoomPresenceCounts = { onlineMemberCount: 0, onlineGuestCount: 0, connectionCount: 0, sampledAt };
  for (const { identity, connections } of identities) {
    if (identity.kind === "user") counts.onlineMemberCount += 1;
    else counts.onlineGuestCount += 1;
    counts.connectionCount += connections;
  }
  return counts;
}

export const emptyCounts = (sampledAt: number): RoomPresenceCounts => countsOf([], sampledAt);
