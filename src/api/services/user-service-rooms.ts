// UserService.ListMyRooms: transport only (enum decoding, paging fields, wire messages).
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { SortDirection } from "../../../gen/synctv/v1/common_pb.js";
import { MyRoomRelation, MyRoomSchema, RoomStatus } from "../../../gen/synctv/v1/room_pb.js";
import { MyRoomSortBy, type UserService } from "../../../gen/synctv/v1/user_service_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { MyRoomSort, MyRooms } from "../../core/rooms/discovery/my-rooms.js";
import { callerOf } from "../caller.js";
import { roleToWire, toRoomMessage } from "../mappers/room.js";

export interface ListMyRoomsHandlerDeps {
  myRooms: MyRooms;
  ids: PublicIdCodec;
}

const SORT_FROM_WIRE: Record<MyRoomSortBy, MyRoomSort> = {
  [MyRoomSortBy.UNSPECIFIED]: "LAST_VISITED_AT",
  [MyRoomSortBy.FREQUENT]: "FREQUENT",
  [MyRoomSortBy.LAST_VISITED_AT]: "LAST_VISITED_AT",
  [MyRoomSortBy.JOINED_AT]: "JOINED_AT",
  [MyRoomSortBy.CREATED_AT]: "CREATED_AT",
  [MyRoomSortBy.UPDATED_AT]: "UPDATED_AT",
  [MyRoomSortBy.LAST_ACTIVITY_AT]: "LAST_ACTIVITY_AT",
  [MyRoomSortBy.NAME]: "NAME",
};

export function listMyRoomsHandler(deps: ListMyRoomsHandlerDeps): Pick<ServiceImpl<typeof UserService>, "listMyRooms"> {
  const { myRooms, ids } = deps;
  return {
    async listMyRooms(req, ctx) {
      const found = await myRooms.list(await callerOf(ctx), {
        relation:
          req.relation === MyRoomRelation.CREATED
            ? "CREATED"
            : req.relation === MyRoomRelation.PARTICIPATING
              ? "PARTICIPATING"
              : "ALL",
        status: req.status === RoomStatus.ACTIVE ? "ACTIVE" : req.status === RoomStatus.CLOSED ? "CLOSED" : undefined,
        search: req.search,
        sortBy: SORT_FROM_WIRE[req.sortBy] ?? "LAST_VISITED_AT",
        direction:
          req.sortDirection === SortDirection.ASC
            ? "ASC"
            : req.sortDirection === SortDirection.DESC
              ? "DESC"
              : undefined,
        page: req.page,
        pageSize: req.pageSize,
      });
      return {
        rooms: found.items.map((item) =>
          create(MyRoomSchema, {
            room: toRoomMessage(item.view.state, ids, {
              includeSettings: true,
              creatorUsername: item.view.creatorUsername,
              presence: item.view.presence,
            }),
            role: roleToWire[item.role],
            permissions: item.effective,
            relation: item.relation === "CREATED" ? MyRoomRelation.CREATED : MyRoomRelation.PARTICIPATING,
            favorited: false,
            joinedAt: BigInt(item.member.joinedAt),
            lastVisitedAt: BigInt(item.member.lastVisitedAt ?? 0),
            visitCount: item.member.visitCount,
          }),
        ),
        total: found.total,
      };
    },
  };
}
