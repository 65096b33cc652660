// What the observers of one committed event share (03 §2 fan-out): a resource's payload and its
// encoded frames are built once per event and share key, not once per observer. Entries hang off
// the event's envelope (a WeakMap), so none outlives the event's delivery.
import { create } from "@bufbuild/protobuf";
import { ResourceChangedSchema, ResourceCursorSchema } from "../../../gen/synctv/v1/realtime_pb.js";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import { SharedResourceEvent } from "../shared-resource-event.js";
import type { ResourcePayload, StreamCursor } from "./resource-definition.js";

/** One resource_event as its observers share it: the payload (PUSH_SNAPSHOT) or changed_only (NOTIFY_ONLY). */
export class SharedDelivery {
  #full: SharedResourceEvent | undefined;
  #changedOnly: SharedResourceEvent | undefined;

  constructor(
    readonly cursor: StreamCursor,
    /** null: only NOTIFY_ONLY observers asked, so it was never built. */
    readonly payload: ResourcePayload | null,
  ) {}

  event(notifyOnly: boolean): SharedResourceEvent {
    if (notifyOnly || this.payload === null) {
      this.#changedOnly ??= new SharedResourceEvent(cursorMessage(this.cursor), {
        case: "changedOnly",
        value: create(ResourceChangedSchema),
      });
      return this.#changedOnly;
    }
    this.#full ??= new SharedResourceEvent(cursorMessage(this.cursor), this.payload);
    return this.#full;
  }
}

export class EventShares {
  readonly #byEnvelope = new WeakMap<RoomEventEnvelope, Map<string, unknown>>();

  /** What an earlier observer of this event stored under `key` (a value or a pending promise). */
  get(envelope: RoomEventEnvelope, key: string): unknown {
    return this.#byEnvelope.get(envelope)?.get(key);
  }

  set(envelope: RoomEventEnvelope, key: string, value: unknown): void {
    let entries = this.#byEnvelope.get(envelope);
    if (entries === undefined) {
      entries = new Map();
      this.#byEnvelope.set(envelope, entries);
    }
    entries.set(key, value);
  }

  /**
   * Stores an answer still being built. Once settled, later observers get the value itself and
   * continue synchronously; a rejection is not kept (each waiting observer fails on its own).
   */
  setPending<T>(envelope: RoomEventEnvelope, key: string, pending: Promise<T>): Promise<T> {
    const settled = pending.then(
      (value) => {
        if (this.get(envelope, key) === settled) this.set(envelope, key, value);
        return value;
      },
      (err: unknown) => {
        if (this.get(envelope, key) === settled) this.#byEnvelope.get(envelope)?.delete(key);
        throw err;
      },
    );
    this.set(envelope, key, settled);
    return settled;
  }
}

function cursorMessage(cursor: StreamCursor) {
  return create(ResourceCursorSchema, { eventId: cursor.eventId, sequence: BigInt(cursor.sequence) });
}
