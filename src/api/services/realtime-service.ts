// RealtimeService (spec 02 §3.7): transport only. CreateWebSocketTicket passes the room gate and
// hands out a single-use ticket from core/realtime; MessageStream and Watch* are thin streams over
// the WebSocket's own ObservationHandler and ClientCommands (src/api/streams).
import type { ServiceImpl } from "@connectrpc/connect";
import type { RealtimeService } from "../../../gen/synctv/v1/realtime_service_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { TicketActor, WebSocketTickets } from "../../core/realtime/websocket-tickets.js";
import type { RoomAccess } from "../../core/rooms/room-access.js";
import type { RealtimeStreamBackend } from "../../realtime/realtime-stream-backend.js";
import { callerOf } from "../caller.js";
import type { ServingState } from "../health/grpc-health.js";
import { messageStreamHandler } from "../streams/message-stream.js";
import { streamSessions } from "../streams/stream-session.js";
import { watchStreamHandlers } from "../streams/watch-streams.js";

export interface RealtimeServiceDeps {
  tickets: WebSocketTickets;
  access: Pick<RoomAccess, "enter">;
  ids: PublicIdCodec;
  /** The room's WebSocket URL without query, e.g. `wss://tv.example.com/ws/rooms/room_x`. */
  webSocketUrl(roomPublicId: string): string;
  /** What the streams share with the WebSocket listener; absent, they answer UNIMPLEMENTED. */
  streams?: RealtimeStreamBackend;
}

export function realtimeServiceImpl(
  deps: RealtimeServiceDeps,
  serving: ServingState,
): Partial<ServiceImpl<typeof RealtimeService>> {
  return {
    async createWebSocketTicket(req, ctx) {
      const roomId = deps.ids.decode("room", req.roomId);
      const actor = await callerOf(ctx);
      // enter() admits only users with a member row and guests of this room: what a ticket carries.
      const room = await deps.access.enter(actor, roomId);
      const { ticket, expiresInSecs } = await deps.tickets.issue(room.actor as TicketActor, roomId);
      return {
        ticket,
        expiresInSecs: BigInt(expiresInSecs),
        usage: `${deps.webSocketUrl(req.roomId)}?ticket=${ticket}`,
      };
    },
    ...(deps.streams ? realtimeStreams(deps, deps.streams, serving) : {}),
  };
}

function realtimeStreams(
  deps: RealtimeServiceDeps,
  backend: RealtimeStreamBackend,
  serving: ServingState,
): Partial<ServiceImpl<typeof RealtimeService>> {
  const sessions = streamSessions({ backend, access: deps.access, ids: deps.ids, serving });
  return {
    ...messageStreamHandler({ sessions, backend }),
    ...watchStreamHandlers({ sessions, observations: backend.observations }),
  };
}
