// Presence core values → synctv.v1 wire messages (RoomPresence, OnlineEvent), shared by the Room
// mapper, the member listing and the online_count / online_event observations.
import { create } from "@bufbuild/protobuf";
import {
  OnlineEventKind,
  OnlineEventSchema,
  type OnlineEvent as WireOnlineEvent,
} from "../../../gen/synctv/v1/realtime_pb.js";
import { type RoomPresence, RoomPresenceSchema } from "../../../gen/synctv/v1/room_pb.js";
import { roleToWire } from "../../api/mappers/room.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { OnlineEvent, RoomPresenceCounts } from "../../core/realtime-runtime/presence-identity.js";

export function toRoomPresenceMessage(counts: RoomPresenceCounts): RoomPresence {
  return create(RoomPresenceSchema, {
    onlineMemberCount: counts.onlineMemberCount,
    onlineGuestCount: counts.onlineGuestCount,
    connectionCount: counts.connectionCount,
    sampledAt: BigInt(counts.sampledAt),
  });
}

export function toOnlineEventMessage(event: OnlineEvent, ids: PublicIdCodec): WireOnlineEvent {
  const { identity } = event;
  return create(OnlineEventSchema, {
    kind: event.kind === "JOINED" ? OnlineEventKind.JOINED : OnlineEventKind.LEFT,
    userId: identity.kind === "user" ? ids.encode("usr", identity.userId) : "",
    guestId: identity.kind === "guest" ? identity.guestId : "",
    username: identity.username,
    role: roleToWire[identity.role],
    occurredAt: BigInt(event.occurredAt),
  });
}
