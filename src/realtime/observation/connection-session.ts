// Everything observation keeps for one connection (03 §2, §2.2): its observations, the viewer's
// effective-permission snapshot, and the room's committed events, processed one at a time in order.
// Each event first decides terminations (kicked/left, room deleted, guest access revoked), then
// refreshes the viewer when it can change it, then reaches the observations — so a lost permission
// applies before any later event is delivered. An event that needs no read is processed
// synchronously, inside the room's fan-out; the first one that must wait holds later ones back.
import { RealtimeTerminationCode } from "../../../gen/synctv/v1/realtime_pb.js";
import { isDomainError } from "../../core/errors.js";
import { GUEST_KICKED_EVENT, ROOM_GUEST_RESOURCE } from "../../core/members/member-events.js";
import type { RoomAccess } from "../../core/rooms/room-access.js";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import type { RoomEventHub } from "../delivery/room-event-hub.js";
import type { ObservingConnection } from "../observation-handler.js";
import { terminationOfGateFailure } from "../termination-codes.js";
import type { ActiveObservation, ObservationOwner } from "./active-observation.js";
import type { EventShares } from "./event-shares.js";
import type { ObservationViewer } from "./resource-definition.js";
import type { RoomFanouts } from "./room-fanout.js";
import type { ViewerRefreshes } from "./viewer-refreshes.js";

export type Terminate = (code: RealtimeTerminationCode, message: string) => void;

export interface SessionDeps {
  hub: Pick<RoomEventHub, "subscribe">;
  access: Pick<RoomAccess, "enter">;
  onUnexpected(err: unknown, connection: ObservingConnection): void;
}

/** What a session gets from its handler besides the deps: what is shared across connections. */
export interface SessionShared {
  refreshes: ViewerRefreshes;
  shares: EventShares;
  fanouts: RoomFanouts<ConnectionSession>;
}

/** Events that can change anyone's effective permissions or admission. */
const ROOM_WIDE = new Set(["room", "room_settings"]);

export class ConnectionSession implements ObservationOwner {
  readonly observations = new Map<string, ActiveObservation>();
  #viewer: ObservationViewer | null = null;
  /** Events waiting while an earlier one waits for a read; `#busy` while one is processed. */
  readonly #backlog: RoomEventEnvelope[] = [];
  #busy = false;
  #unsubscribe: () => void;
  #closed = false;

  constructor(
    readonly connection: ObservingConnection,
    private readonly terminateConnection: Terminate,
    private readonly deps: SessionDeps,
    private readonly shared: SessionShared,
  ) {
    this.#unsubscribe = shared.fanouts.join(connection.roomId, this);
  }

  /** One committed room event, in room order (from the room's fan-out). */
  accept(envelope: RoomEventEnvelope): void {
    if (this.#closed) return;
    this.#backlog.push(envelope);
    if (!this.#busy) this.#drain();
  }

  get shares(): EventShares {
    return this.shared.shares;
  }

  get connectionId(): string {
    return this.connection.connectionId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(message: Parameters<ObservingConnection["send"]>[0]): void {
    if (!this.#closed) this.connection.send(message);
  }

  viewer(): ObservationViewer {
    if (this.#viewer === null) throw new Error("observation viewer used before it was loaded");
    return this.#viewer;
  }

  /** Loads the viewer on first use (the room gate for the connection's actor); throws its DomainError. */
  async ensureViewer(): Promise<ObservationViewer> {
    if (this.#viewer === null)
      this.#viewer = await this.deps.access.enter(this.connection.actor, this.connection.roomId);
    return this.#viewer;
  }

  forget(observation: ActiveObservation): void {
    if (this.observations.get(observation.observeId) === observation) this.observations.delete(observation.observeId);
  }

  onUnexpected(err: unknown): void {
    this.deps.onUnexpected(err, this.connection);
  }

  /** Drops every observation and stops listening (close, or after a termination). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    for (const observation of this.observations.values()) observation.stop();
    this.observations.clear();
  }

  /** Processes the backlog in order, synchronously until an event has to wait; then resumes after it. */
  #drain(): void {
    this.#busy = true;
    for (;;) {
      const envelope = this.#backlog.shift();
      if (envelope === undefined || this.#closed) {
        this.#backlog.length = 0;
        this.#busy = false;
        return;
      }
      let waiting: undefined | Promise<void>;
      try {
        waiting = this.#process(envelope);
      } catch (err) {
        this.deps.onUnexpected(err, this.connection);
      }
      if (waiting !== undefined) {
        waiting.catch((err: unknown) => this.deps.onUnexpected(err, this.connection)).then(() => this.#drain());
        return;
      }
    }
  }

  #process(envelope: RoomEventEnvelope): undefined | Promise<void> {
    if (this.#closed) return undefined;
    if (envelope.scope === "room") {
      const termination = this.#terminationFor(envelope);
      if (termination !== null) {
        this.#terminate(termination.code, termination.message);
        return undefined;
      }
      // Room-level changes (ban, visibility, password, …) are rare and may revoke admission: every
      // connection re-checks. Member and settings changes matter only to a viewer already in use.
      const recheck = envelope.resourceType === "room" || (this.#viewer !== null && this.#affectsViewer(envelope));
      if (recheck) {
        return this.#refreshViewer(envelope.eventId).then((current) =>
          current ? this.#offer(envelope, [...this.observations.values()], 0) : undefined,
        );
      }
    }
    return this.#offer(envelope, [...this.observations.values()], 0);
  }

  /** Offers the event to `observations[from…]` in order; a promise when one of them has to wait. */
  #offer(envelope: RoomEventEnvelope, observations: ActiveObservation[], from: number): undefined | Promise<void> {
    for (let i = from; i < observations.length; i++) {
      if (this.#closed) return undefined;
      const waiting = observations[i]!.offer(envelope);
      if (waiting !== undefined) return waiting.then(() => this.#offer(envelope, observations, i + 1));
    }
    return undefined;
  }

  #terminationFor(envelope: RoomEventEnvelope): { code: RealtimeTerminationCode; message: string } | null {
    const actor = this.connection.actor;
    if (envelope.resourceType === "room" && envelope.eventType === "room.deleted") {
      return { code: RealtimeTerminationCode.ROOM_DELETED, message: "The room was deleted" };
    }
    if (
      actor.kind === "user" &&
      envelope.resourceType === "room_member" &&
      envelope.userId === actor.userId &&
      (envelope.eventType === "member.kicked" || envelope.eventType === "member.left")
    ) {
      const kicked = envelope.eventType === "member.kicked";
      return {
        code: RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED,
        message: kicked ? "You were removed from the room" : "You left the room",
      };
    }
    if (
      actor.kind === "guest" &&
      envelope.resourceType === ROOM_GUEST_RESOURCE &&
      envelope.eventType === GUEST_KICKED_EVENT &&
      envelope.payload?.guestId === actor.guestId
    ) {
      return { code: RealtimeTerminationCode.GUEST_ACCESS_REVOKED, message: "You were removed from the room" };
    }
    // Every change that bumps the room's guest version revokes the guest tokens issued before it.
    if (
      actor.kind === "guest" &&
      ROOM_WIDE.has(envelope.resourceType) &&
      envelope.payload?.guestVersion !== undefined
    ) {
      return { code: RealtimeTerminationCode.GUEST_ACCESS_REVOKED, message: "Guest access to the room was revoked" };
    }
    return null;
  }

  #affectsViewer(envelope: RoomEventEnvelope): boolean {
    if (ROOM_WIDE.has(envelope.resourceType)) return true;
    const actor = this.connection.actor;
    return envelope.resourceType === "room_member" && actor.kind === "user" && envelope.userId === actor.userId;
  }

  /** Re-reads the viewer; a failed gate terminates the connection. Then every observation re-checks. */
  async #refreshViewer(eventId: string): Promise<boolean> {
    try {
      this.#viewer = await this.shared.refreshes.at(eventId, this.connection.actor, this.connection.roomId);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      this.#terminate(terminationOfGateFailure(err, this.connection.actor), err.message);
      return false;
    }
    for (const observation of [...this.observations.values()]) observation.reauthorize();
    return !this.#closed;
  }

  #terminate(code: RealtimeTerminationCode, message: string): void {
    if (this.#closed) return;
    this.close();
    this.terminateConnection(code, message);
  }
}
