// Re-reading viewers after a room event (03 §2): every connection of a room re-checks at the same
// event, and one user's tabs and streams share the answer, so a room-wide change costs one gate read
// per actor rather than one per connection. Keyed by event id, so no answer outlives its event.

import type { TicketActor } from "../../core/realtime/websocket-tickets.js";
import type { RoomAccess, RoomContext } from "../../core/rooms/room-access.js";

const CAPACITY = 4096;

export class ViewerRefreshes {
  readonly #pending = new Map<string, Promise<RoomContext>>();

  constructor(private readonly access: Pick<RoomAccess, "enter">) {}

  /** The gate's answer for `actor` as of `eventId` (rejects with the gate's DomainError). */
  at(eventId: string, actor: TicketActor, roomId: number): Promise<RoomContext> {
    const key = `${eventId}|${roomId}|${actor.kind === "user" ? `u${actor.userId}` : `g${actor.guestId}`}`;
    const shared = this.#pending.get(key);
    if (shared !== undefined) return shared;
    const read = this.access.enter(actor, roomId);
    this.#pending.set(key, read);
    if (this.#pending.size > CAPACITY) {
      const oldest = this.#pending.keys().next();
      if (!oldest.done) this.#pending.delete(oldest.value);
    }
    // A failed read is not kept: the next event asks again.
    read.catch(() => this.#pending.delete(key));
    return read;
  }
}
