// Single-use WebSocket tickets (spec 02 §3.7, 03 §1.1): a browser cannot set an Authorization header
// on a WebSocket, so it trades its bearer for a random ticket bound to (actor, room), valid 30 s.

import type { Random } from "../../infra/random.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import type { Actor } from "../actor.js";

export const TICKET_TTL_SECONDS = 30;
/** 32 random bytes → 43 base64url characters: the spec's upper bound, and 256 bits of entropy. */
const TICKET_BYTES = 32;
const TICKET_SHAPE = /^[A-Za-z0-9_-]{1,43}$/;

/** The actors a ticket may carry: the ones that can enter a room. */
export type TicketActor = Extract<Actor, { kind: "user" } | { kind: "guest" }>;

export interface RedeemedTicket {
  actor: TicketActor;
  roomId: number;
}

export interface WebSocketTicketsDeps {
  store: ShortLivedStore;
  random: Random;
}

export class WebSocketTickets {
  constructor(private readonly deps: WebSocketTicketsDeps) {}

  /** Issues a ticket; the caller has already passed the room gate for `roomId`. */
  async issue(actor: TicketActor, roomId: number): Promise<{ ticket: string; expiresInSecs: number }> {
    const ticket = this.deps.random.token(TICKET_BYTES);
    const binding: RedeemedTicket = { actor, roomId };
    await this.deps.store.set(keyOf(ticket), JSON.stringify(binding), TICKET_TTL_SECONDS * 1000);
    return { ticket, expiresInSecs: TICKET_TTL_SECONDS };
  }

  /**
   * Consumes a ticket (GETDEL: among concurrent upgrades exactly one wins). Null when it is unknown,
   * expired, already used or malformed; the room it was issued for is returned so the upgrade can
   * refuse a ticket presented on another room's URL.
   */
  async redeem(ticket: string): Promise<RedeemedTicket | null> {
    if (!TICKET_SHAPE.test(ticket)) return null;
    const raw = await this.deps.store.getDel(keyOf(ticket));
    if (raw === null) return null;
    return JSON.parse(raw) as RedeemedTicket;
  }
}

function keyOf(ticket: string): string {
  return `ws-ticket:${ticket}`;
}
