// This node's fan-out of committed room events to local subscribers (06 §4.5 step 4, 08 §7.4): it
// drops duplicates by event id and watches each room's room_seq, reporting gaps for catch-up.
import { type Clock, systemClock } from "../../infra/clock.js";
import type { RoomEventEnvelope, RoomEventLogScope } from "../../infra/db/events/room-event-log.js";
import { RecentEventIds } from "./recent-event-ids.js";

export type RoomEventListener = (envelope: RoomEventEnvelope) => void;

/** room_seq `expected` was never seen before `got` arrived: replay `expected … got-1` from the scope's durable log. */
export type RoomEventGapReporter = (roomId: number, expected: number, got: number, scope: RoomEventLogScope) => void;

export interface RoomEventHubOptions {
  clock?: Clock;
  onGap?: RoomEventGapReporter;
  /** A subscriber threw; the others still get the event. */
  onListenerError?: (error: unknown, envelope: RoomEventEnvelope) => void;
  /** Overrides of the de-duplication window (tests). */
  dedupe?: { capacity?: number; ttlMs?: number };
}

export class RoomEventHub {
  readonly #seen: RecentEventIds;
  readonly #onGap: RoomEventGapReporter;
  readonly #onListenerError: (error: unknown, envelope: RoomEventEnvelope) => void;
  readonly #byRoom = new Map<number, Set<RoomEventListener>>();
  readonly #all = new Set<RoomEventListener>();
  /** The highest room_seq delivered per room and log (`scope:roomId`): the logs number independently. */
  readonly #lastSeq = new Map<string, number>();

  constructor(options: RoomEventHubOptions = {}) {
    this.#seen = new RecentEventIds(options.clock ?? systemClock, options.dedupe);
    this.#onGap = options.onGap ?? (() => {});
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** Listens to one room's events; returns the unsubscribe function. */
  subscribe(roomId: number, listener: RoomEventListener): () => void {
    let listeners = this.#byRoom.get(roomId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#byRoom.set(roomId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byRoom.get(roomId) === listeners) this.#byRoom.delete(roomId);
    };
  }

  /** Listens to every room's events; returns the unsubscribe function. */
  subscribeAll(listener: RoomEventListener): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** The highest room_seq delivered for the room's log, if any (the catch-up cursor). */
  lastRoomSeq(roomId: number, scope: RoomEventLogScope = "room"): number | undefined {
    return this.#lastSeq.get(`${scope}:${roomId}`);
  }

  /** Forgets a room's cursors, e.g. when this node no longer serves it. */
  forgetRoom(roomId: number): void {
    this.#lastSeq.delete(`room:${roomId}`);
    this.#lastSeq.delete(`chat:${roomId}`);
  }

  /**
   * Hands the event to subscribers unless its id was seen in the last 10 minutes; returns whether
   * it was delivered. A room_seq beyond the next expected one reports a gap; an older one (a
   * replayed, previously missing event) is delivered without moving the cursor back.
   */
  deliver(envelope: RoomEventEnvelope): boolean {
    if (!this.#seen.remember(envelope.eventId)) return false;
    const { roomId, roomSeq, scope } = envelope;
    const key = `${scope}:${roomId}`;
    const last = this.#lastSeq.get(key);
    if (last === undefined || roomSeq > last) {
      this.#lastSeq.set(key, roomSeq);
      if (last !== undefined && roomSeq > last + 1) this.#onGap(roomId, last + 1, roomSeq, scope);
    }
    this.#notify(this.#byRoom.get(roomId), envelope);
    this.#notify(this.#all, envelope);
    return true;
  }

  #notify(listeners: Set<RoomEventListener> | undefined, envelope: RoomEventEnvelope): void {
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        listener(envelope);
      } catch (error) {
        this.#onListenerError(error, envelope);
      }
    }
  }
}
