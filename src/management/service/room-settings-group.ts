// ManagementService room configuration (08 §4.2): password, ownership transfer, visibility and
// settings get/update (FieldMask)/reset — the same core calls as RoomService, as local-management,
// which the room gate admits with the creator's rank; ownership transfer, the creator's own call,
// acts as `actor` else as the current creator. The room password is never audited.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetRoomSettingsResponseSchema,
  type ManagementService,
  ResetRoomSettingsResponseSchema,
  SetRoomPasswordResponseSchema,
  SetRoomVisibilityResponseSchema,
  TransferRoomOwnershipResponseSchema,
  UpdateRoomSettingsResponseSchema,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { toRoomMessage, toRoomSettingsMessage } from "../../api/mappers/room.js";
import { patchFromWire } from "../../api/services/room-service-rooms.js";
import type { RoomView } from "../../core/rooms/lifecycle/room-views.js";
import type { VersionedSettings } from "../../core/rooms/settings/room-settings-service.js";
import { auditOf } from "../server/audit-interceptor.js";
import { actorOrRoomCreator, managementActor } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { userReference } from "./user-refs.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

export function roomSettingsHandlers(deps: ManagementServiceDeps): Handlers {
  const { rooms, users, ids } = deps;
  const wire = (view: RoomView) =>
    toRoomMessage(view.state, ids, { includeSettings: true, creatorUsername: view.creatorUsername });
  const settingsOut = (v: VersionedSettings) => ({
    settings: toRoomSettingsMessage(v.settings),
    version: BigInt(v.version),
  });

  return {
    async setRoomPassword(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const clearing = req.password === "";
      auditOf(ctx)?.target("room", req.roomId).detail({ cleared: clearing });
      const status = clearing
        ? await rooms.password.clear(managementActor, roomId)
        : await rooms.password.set(managementActor, roomId, req.password);
      return create(SetRoomPasswordResponseSchema, {
        hasPassword: status.hasPassword,
        passwordVersion: BigInt(status.passwordVersion),
      });
    },

    async transferRoomOwnership(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const audit = auditOf(ctx)?.target("room", req.roomId);
      const owner = await users.resolve(userReference(req.newOwner, ids, "new_owner"));
      audit?.detail({ new_owner_id: ids.encode("usr", owner.id), new_owner_username: owner.username });
      // 04 §8: only the creator transfers (the AdminService variant is P2), so act as them.
      const actor = await actorOrRoomCreator(deps, roomId, req.actor, audit);
      const view = await rooms.transfer.transfer(actor, roomId, owner.id);
      return create(TransferRoomOwnershipResponseSchema, { room: wire(view) });
    },

    async setRoomVisibility(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      auditOf(ctx)?.target("room", req.roomId).detail({ is_public: req.isPublic });
      const view = await rooms.visibility.setVisibility(managementActor, roomId, req.isPublic);
      return create(SetRoomVisibilityResponseSchema, { room: wire(view) });
    },

    async getRoomSettings(req) {
      const got = await rooms.settings.get(managementActor, ids.decode("room", req.roomId));
      return create(GetRoomSettingsResponseSchema, settingsOut(got));
    },

    async updateRoomSettings(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const paths = req.updateMask?.paths ?? [];
      auditOf(ctx)
        ?.target("room", req.roomId)
        .detail({ paths: paths.join(",") });
      const updated = await rooms.settings.update(
        managementActor,
        roomId,
        patchFromWire(req.settings),
        paths,
        req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
      );
      return create(UpdateRoomSettingsResponseSchema, settingsOut(updated));
    },

    async resetRoomSettings(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      auditOf(ctx)?.target("room", req.roomId);
      return create(ResetRoomSettingsResponseSchema, settingsOut(await rooms.settings.reset(managementActor, roomId)));
    },
  };
}
