// The bus between dispatchers and every node's hub (06 §4.5 step 3, 08 §7.4): Redis pub/sub through
// the short-lived store when Redis is configured, else straight into this process's hub.
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import type { ShortLivedStore, Unsubscribe } from "../../infra/store/types.js";
import type { RoomEventHub } from "./room-event-hub.js";

/** Store channel (under the store's key prefix) carrying every room event as JSON. */
export const roomEventChannel = "events:room";

export interface RoomEventBus {
  /** Resolves once the bus accepted the event; rejects when it could not (the row is retried). */
  publish(envelope: RoomEventEnvelope): Promise<void>;
}

/** Without Redis there is one node: "publishing" is delivering to its own hub. */
export function localRoomEventBus(hub: RoomEventHub): RoomEventBus {
  return {
    publish: async (envelope) => {
      hub.deliver(envelope);
    },
  };
}

/** Publishes through the store's pub/sub (Redis in a cluster). */
export function storeRoomEventBus(store: ShortLivedStore): RoomEventBus {
  return { publish: (envelope) => store.publish(roomEventChannel, JSON.stringify(envelope)) };
}

/**
 * Feeds every event on the store channel into the hub; resolves once subscribed. Malformed
 * messages are reported and dropped.
 */
export function subscribeHubToStore(
  store: ShortLivedStore,
  hub: RoomEventHub,
  onMalformed: (error: unknown) => void = () => {},
): Promise<Unsubscribe> {
  return store.subscribe(roomEventChannel, (message) => {
    let envelope: RoomEventEnvelope;
    try {
      envelope = parseRoomEventEnvelope(message);
    } catch (error) {
      onMalformed(error);
      return;
    }
    hub.deliver(envelope);
  });
}

export function parseRoomEventEnvelope(message: string): RoomEventEnvelope {
  const value: unknown = JSON.parse(message);
  if (typeof value !== "object" || value === null) throw new TypeError("room event is not an object");
  const candidate = value as Partial<Record<keyof RoomEventEnvelope, unknown>>;
  if (
    (candidate.scope !== "room" && candidate.scope !== "chat") ||
    typeof candidate.eventId !== "string" ||
    !Number.isSafeInteger(candidate.roomId) ||
    !Number.isSafeInteger(candidate.roomSeq) ||
    typeof candidate.eventType !== "string"
  ) {
    throw new TypeError("room event lacks scope, eventId, roomId, roomSeq or eventType");
  }
  return value as RoomEventEnvelope;
}
