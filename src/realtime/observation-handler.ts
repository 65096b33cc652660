// The seam between a realtime connection and the room hub (spec 03 §2): observe/unobserve go through
// this interface. RoomObservations (observation/) implements it over the hub; the WebSocket listener
// and the API's MessageStream/Watch* streams each bring their own ObservingConnection.
import { create } from "@bufbuild/protobuf";
import { ErrorKind } from "../../gen/synctv/v1/errors_pb.js";
import type { RealtimeTerminationCode } from "../../gen/synctv/v1/realtime_pb.js";
import {
  ErrorMessageSchema,
  type ObserveResource,
  ResourceObserveErrorSchema,
  type ServerMessage,
} from "../../gen/synctv/v1/realtime_pb.js";
import { defaultAppCode } from "../core/errors.js";
import type { TicketActor } from "../core/realtime/websocket-tickets.js";
import { serverMessage } from "./frame-codec.js";

/** What an observation handler may know about and do with one connection. */
export interface ObservingConnection {
  readonly connectionId: string;
  readonly actor: TicketActor;
  readonly roomId: number;
  /** Queues one message on the socket; a no-op once the connection is closed. */
  send(message: ServerMessage): void;
}

export interface ObservationHandler {
  /**
   * Optional: the connection opened. From here on room events that end it (kicked or left, room
   * deleted, guest access revoked) call `terminate`, which sends `termination` and closes the
   * connection (a stream ends). A connection that only ever calls `observe` is followed from its
   * first observation, and gets a `termination` message through `send()` instead.
   */
  connectionOpened?(
    connection: ObservingConnection,
    terminate: (code: RealtimeTerminationCode, message: string) => void,
  ): void;
  /** Answers `resource_observed` (+ snapshot) or `resource_observe_error` through `connection.send`. */
  observe(connection: ObservingConnection, request: ObserveResource): Promise<void>;
  unobserve(connection: ObservingConnection, observeId: string): Promise<void>;
  /** The connection closed: drop all of its observations. */
  connectionClosed(connection: ObservingConnection): void;
}

/** For listeners built without a hub (tests of the socket alone): refuses every observation with 9004. */
export const unavailableObservations: ObservationHandler = {
  async observe(connection, request) {
    connection.send(
      serverMessage({
        case: "resourceObserveError",
        value: create(ResourceObserveErrorSchema, {
          observeId: request.observeId,
          error: create(ErrorMessageSchema, {
            code: defaultAppCode.UNIMPLEMENTED,
            kind: ErrorKind.UNIMPLEMENTED,
            message: "Observations are not available on this server yet",
          }),
        }),
      }),
    );
  },
  async unobserve() {},
  connectionClosed() {},
};
