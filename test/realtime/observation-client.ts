// Observation helpers for tests that drive a real node over a plain WebSocket client (spec 03 §2):
// send observe_resource, then take the matching resource_observed / resource_event / error messages.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { expect } from "vitest";
import type { DeliveryMode } from "../../gen/synctv/v1/common_pb.js";
import type { ObserveResourceSchema, ResourceEvent, ServerMessage } from "../../gen/synctv/v1/realtime_pb.js";
import type { TestSocket } from "./realtime-client.js";

export type ObserveInit = {
  deliveryMode?: DeliveryMode;
  resource: MessageInitShape<typeof ObserveResourceSchema>["resource"];
};

export function observe(socket: TestSocket, observeId: string, init: ObserveInit): void {
  socket.send({ message: { case: "observeResource", value: { observeId, ...init } } });
}

/**
 * Removes and returns the first received message matching `match`, waiting for it. A liveness wait
 * (generous: CI shares one database between many files), not a timing assertion.
 */
export async function take<T>(
  socket: TestSocket,
  match: (m: ServerMessage) => T | undefined,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (let i = 0; i < socket.received.length; i += 1) {
      const found = match(socket.received[i] as ServerMessage);
      if (found !== undefined) {
        socket.received.splice(i, 1);
        return found;
      }
    }
    if (Date.now() > deadline || socket.ws.readyState === WebSocket.CLOSED) {
      const seen = socket.received.map((m) => m.message.case).join(",");
      throw new Error(`no ${what} (${socket.closeInfo || "still open"}; unread: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const observed = (socket: TestSocket, id: string) =>
  take(
    socket,
    (m) => (m.message.case === "resourceObserved" && m.message.value.observeId === id ? m.message.value : undefined),
    `resource_observed ${id}`,
  );

export const event = (socket: TestSocket, id: string) =>
  take(
    socket,
    (m) => (m.message.case === "resourceEvent" && m.message.value.observeId === id ? m.message.value : undefined),
    `resource_event ${id}`,
  );

export const observeError = (socket: TestSocket, id: string) =>
  take(
    socket,
    (m) =>
      m.message.case === "resourceObserveError" && m.message.value.observeId === id ? m.message.value : undefined,
    `resource_observe_error ${id}`,
  );

/** Observation messages for `id` received and not yet taken. */
export const unread = (socket: TestSocket, id: string) =>
  socket.received.filter(
    (m) =>
      (m.message.case === "resourceEvent" || m.message.case === "resourceObserved") && m.message.value.observeId === id,
  );

export function payloadOf<K extends NonNullable<ResourceEvent["payload"]["case"]>>(e: ResourceEvent, kind: K) {
  expect(e.payload.case).toBe(kind);
  return e.payload.value as Extract<ResourceEvent["payload"], { case: K }>["value"];
}
