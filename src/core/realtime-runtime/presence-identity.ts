// Who is online in a room (03 §2 online_count/online_event, 02 RoomPresence): the identities presence
// counts (a user once however many connections it has; a guest apart), the counters and the events.

import type { RoomRole } from "../permissions/index.js";
import type { TicketActor } from "../realtime/websocket-tickets.js";

export type PresenceIdentity =
  | { kind: "user"; userId: number; username: string; role: RoomRole }
  | { kind: "guest"; guestId: string; username: string; role: "GUEST" };

/** Live counters of a room; a user with several connections counts once. */
export interface RoomPresenceCounts {
  onlineMemberCount: number;
  onlineGuestCount: number;
  /** Open realtime connections; a presence held for a resume counts online with no connection. */
  connectionCount: number;
  sampledAt: number;
}

export type OnlineEventKind = "JOINED" | "LEFT";

/** Someone came online or went offline (not across a resumed reconnect, 03 §2.3). */
export interface OnlineEvent {
  kind: OnlineEventKind;
  roomId: number;
  identity: PresenceIdentity;
  occurredAt: number;
}

/** One key per person: `u:<userId>` or `g:<guestId>`. */
export function identityKey(identity: PresenceIdentity): string {
  return identity.kind === "user" ? `u:${identity.userId}` : `g:${identity.guestId}`;
}

export function actorIdentityKey(actor: TicketActor): string {
  return actor.kind === "user" ? `u:${actor.userId}` : `g:${actor.guestId}`;
}

/** The name a guest token shows (guest-tokens.ts: "Guest-" and the first 4 characters of the session). */
export function guestDisplayName(guestId: string): string {
  return `Guest-${guestId.replace(/^gst_/, "").slice(0, 4).toUpperCase()}`;
}

/** The identity of an admitted actor with its room role; users need their username looked up. */
export function presenceIdentityOf(actor: TicketActor, role: RoomRole, username: string): PresenceIdentity {
  if (actor.kind === "guest") return { kind: "guest", guestId: actor.guestId, username, role: "GUEST" };
  return { kind: "user", userId: actor.userId, username, role };
}
