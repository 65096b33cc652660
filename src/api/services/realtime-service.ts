// RealtimeService (spec 02 §3.7): transport only. CreateWebSocketTicket passes the room gate and
// hands out a single-use ticket from core/realtime; the streaming RPCs answer UNIMPLEMENTED for now.
import type { ServiceImpl } from "@connectrpc/connect";
import type { RealtimeService } from "../../../gen/synctv/v1/realtime_service_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { TicketActor, WebSocketTickets } from "../../core/realtime/websocket-tickets.js";
import type { RoomAccess } from "../../core/rooms/room-access.js";
import { callerOf } from "../caller.js";

export interface RealtimeServiceDeps {
  tickets: WebSocketTickets;
  access: Pick<RoomAccess, "enter">;
  ids: PublicIdCodec;
  /** The room's WebSocket URL without query, e.g. `wss://tv.example.com/ws/rooms/room_x`. */
  webSocketUrl(roomPublicId: string): string;
}

export function realtimeServiceImpl(deps: RealtimeServiceDeps): Partial<ServiceImpl<typeof RealtimeService>> {
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
  };
}
