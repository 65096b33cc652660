// ManagementService room moderation (08 §4.2): ban, batch ban, unban, ban records and batch delete through the core's RoomBans, as
// local-management (a platform administrator, 04 §2.1).
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  BanRoomResponseSchema,
  BatchBanRoomsResponseSchema,
  BatchDeleteRoomsResponseSchema,
  ListRoomBansResponseSchema,
  type ManagementService,
  UnbanRoomResponseSchema,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { toRoomMessage } from "../../api/mappers/room.js";
import { pageOf } from "../../core/members/member-listing.js";
import type { RoomView } from "../../core/rooms/lifecycle/room-views.js";
import { auditOf } from "../server/audit-interceptor.js";
import { toBanRecordMessage } from "./ban-record-message.js";
import { managementActor } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

export function roomModerationHandlers(deps: ManagementServiceDeps): Handlers {
  const { rooms, ids } = deps;
  const wire = (view: RoomView) =>
    toRoomMessage(view.state, ids, { includeSettings: true, creatorUsername: view.creatorUsername });

  return {
    async banRoom(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      auditOf(ctx)
        ?.target("room", req.roomId)
        .detail({ reason: req.reason, ends_at: Number(req.endsAt) });
      const endsAt = req.endsAt === 0n ? null : Number(req.endsAt);
      const { room, created } = await rooms.bans.ban(managementActor, roomId, req.reason, endsAt);
      return create(BanRoomResponseSchema, { room: wire(room), created });
    },

    async unbanRoom(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      auditOf(ctx)?.target("room", req.roomId);
      const { room, revoked } = await rooms.bans.unban(managementActor, roomId);
      return create(UnbanRoomResponseSchema, { room: wire(room), revoked });
    },

    async listRoomBans(req) {
      const page = pageOf(req.pagination?.page ?? 0, req.pagination?.pageSize ?? 0);
      const list = await rooms.bans.list(managementActor, {
        targetId: req.roomId === "" ? undefined : ids.decode("room", req.roomId),
        activeOnly: req.activeOnly,
        ...page,
      });
      return create(ListRoomBansResponseSchema, {
        bans: list.bans.map((b) => toBanRecordMessage(b, ids, "room")),
        total: BigInt(list.total),
      });
    },

    async batchBanRooms(req, ctx) {
      auditOf(ctx)
        ?.target("room", "batch")
        .detail({
          room_ids: req.roomIds.join(","),
          count: req.roomIds.length,
          reason: req.reason,
          ends_at: Number(req.endsAt),
        });
      const roomIds = req.roomIds.map((id) => ids.decode("room", id));
      const endsAt = req.endsAt === 0n ? null : Number(req.endsAt);
      const outcomes = await rooms.bans.banMany(managementActor, roomIds, req.reason, endsAt);
      return create(BatchBanRoomsResponseSchema, {
        rooms: outcomes.map((o) => wire(o.room)),
        createdCount: outcomes.filter((o) => o.created).length,
      });
    },

    async batchDeleteRooms(req, ctx) {
      auditOf(ctx)
        ?.target("room", "batch")
        .detail({ room_ids: req.roomIds.join(","), count: req.roomIds.length });
      const roomIds = req.roomIds.map((id) => ids.decode("room", id));
      const deleted = await rooms.deletion.deleteRooms(managementActor, roomIds);
      return create(BatchDeleteRoomsResponseSchema, { deletedCount: deleted });
    },
  };
}
