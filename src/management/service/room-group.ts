// ManagementService rooms group (08 §4.2): create (as the named user), list (every live room),
// get, delete — the same core calls as RoomService, run as local-management or as that user.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CreateRoomResponseSchema,
  DeleteRoomResponseSchema,
  GetRoomResponseSchema,
  ListRoomsResponseSchema,
  type ManagementService,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { toRoomMessage } from "../../api/mappers/room.js";
import { pageOf } from "../../core/members/member-listing.js";
import type { RoomView } from "../../core/rooms/lifecycle/room-views.js";
import { auditOf } from "../server/audit-interceptor.js";
import { managementActor } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { actingUser, userReference } from "./user-refs.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

export function roomHandlers(deps: ManagementServiceDeps): Handlers {
  const { rooms, directory, users, ids } = deps;
  const wire = (view: RoomView) =>
    toRoomMessage(view.state, ids, { includeSettings: true, creatorUsername: view.creatorUsername });

  return {
    async createRoom(req, ctx) {
      const owner = await users.resolve(userReference(req.actor, ids, "actor"));
      auditOf(ctx)
        ?.target("room", "")
        .detail({ name: req.name, as_user_id: ids.encode("usr", owner.id), as_username: owner.username });
      const view = await rooms.creation.create(actingUser(owner), {
        name: req.name,
        description: req.description,
        isPublic: req.isPublic,
      });
      return create(CreateRoomResponseSchema, { room: wire(view) });
    },

    async listRooms(req) {
      const page = pageOf(req.pagination?.page ?? 0, req.pagination?.pageSize ?? 0);
      const { views, total } = await directory.list(managementActor, { search: req.search, ...page });
      return create(ListRoomsResponseSchema, { rooms: views.map(wire), total: BigInt(total) });
    },

    async getRoom(req) {
      const item = await rooms.discovery.getOne(managementActor, ids.decode("room", req.roomId));
      return create(GetRoomResponseSchema, { room: wire(item.view) });
    },

    async deleteRoom(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      auditOf(ctx)?.target("room", req.roomId);
      await rooms.deletion.deleteRoom(managementActor, roomId);
      return create(DeleteRoomResponseSchema, {});
    },
  };
}
