// Wires one node's room event delivery (06 §4.5, 08 §7.4): after-commit events of this node go to
// its hub at once; the outbox dispatcher publishes every row on the bus, which feeds every node's hub.
import type { Logger } from "pino";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database-port.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { ShortLivedStore, Unsubscribe } from "../../infra/store/types.js";
import { OutboxDispatcher, type OutboxDispatcherOptions } from "./outbox-dispatcher.js";
import { localRoomEventBus, storeRoomEventBus, subscribeHubToStore } from "./room-event-bus.js";
import { type RoomEventGapReporter, RoomEventHub } from "./room-event-hub.js";

export interface RoomEventDeliveryOptions {
  nodeId: string;
  database: Database;
  store: ShortLivedStore;
  writer: ObservableWriter;
  clock: Clock;
  log: Logger;
  onGap?: RoomEventGapReporter;
  /** Poll and sweep intervals (tests). */
  dispatcher?: Pick<OutboxDispatcherOptions, "idlePollMs" | "busyPollMs" | "staleSweepMs" | "publishTimeoutMs">;
}

export interface RoomEventDelivery {
  hub: RoomEventHub;
  dispatcher: OutboxDispatcher;
  /** Stops the dispatcher and detaches from the writer and the bus; idempotent. */
  close(): Promise<void>;
}

/**
 * Subscribes the hub to the bus (Redis when the store is Redis) and to the writer; the dispatcher
 * is created but not started, so the caller decides when this node starts claiming.
 */
export async function assembleRoomEventDelivery(options: RoomEventDeliveryOptions): Promise<RoomEventDelivery> {
  const { log } = options;
  const hub = new RoomEventHub({
    clock: options.clock,
    onGap:
      options.onGap ??
      ((roomId, expected, got, scope) =>
        log.warn({ room_id: roomId, expected, got, scope }, "room event gap detected")),
    onListenerError: (err, envelope) => log.error({ err, event_id: envelope.eventId }, "room event subscriber threw"),
  });
  let unsubscribeBus: Unsubscribe = async () => {};
  const clustered = options.store.kind === "redis";
  if (clustered) {
    unsubscribeBus = await subscribeHubToStore(options.store, hub, (err) =>
      log.warn({ err }, "dropped a malformed room event from the bus"),
    );
  }
  const dispatcher = new OutboxDispatcher({
    database: options.database,
    bus: clustered ? storeRoomEventBus(options.store) : localRoomEventBus(hub),
    workerId: `${options.nodeId}/outbox`,
    clock: options.clock,
    log,
    ...options.dispatcher,
  });
  // The fast path: this node's own commits reach its hub without waiting for the dispatcher.
  const detachWriter = options.writer.onCommitted((events) => {
    for (const event of events) hub.deliver(event.envelope);
  });
  let closed = false;
  return {
    hub,
    dispatcher,
    async close() {
      if (closed) return;
      closed = true;
      detachWriter();
      await dispatcher.stop();
      await unsubscribeBus();
    },
  };
}
