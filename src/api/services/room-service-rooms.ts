// RoomService, room lifecycle part (CreateRoom, GetRoom, discovery, DeleteRoom, settings, visibility,
// password, ownership): transport only. Ids are decoded here; every rule lives in core/rooms.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  PlayMode,
  type RoomDiscoveryItem,
  RoomDiscoveryItemSchema,
  type RoomSettingsPatch as WirePatch,
  RoomAccess as WireRoomAccess,
} from "../../../gen/synctv/v1/room_pb.js";
import type { RoomService } from "../../../gen/synctv/v1/room_service_pb.js";
import { invalidArgument } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { DiscoveryAccess } from "../../core/rooms/discovery/discovery-access.js";
import type { DiscoveryItem } from "../../core/rooms/discovery/room-discovery.js";
import type { RoomLifecycle } from "../../core/rooms/lifecycle/room-lifecycle.js";
import type { RoomView } from "../../core/rooms/lifecycle/room-views.js";
import type { PlayModeName } from "../../core/rooms/room-settings-document.js";
import type { RoomSettingsPatch } from "../../core/rooms/settings/settings-patch.js";
import { callerOf } from "../caller.js";
import { toRoomMemberMessage, toRoomMessage, toRoomSettingsMessage } from "../mappers/room.js";

export interface RoomLifecycleHandlerDeps {
  rooms: RoomLifecycle;
  ids: PublicIdCodec;
}

const ACCESS_TO_WIRE: Record<DiscoveryAccess, WireRoomAccess> = {
  UNAVAILABLE: WireRoomAccess.UNAVAILABLE,
  ENTER: WireRoomAccess.ENTER,
  GUEST: WireRoomAccess.GUEST,
  SIGN_IN: WireRoomAccess.SIGN_IN,
  COOLDOWN: WireRoomAccess.COOLDOWN,
  PENDING_APPROVAL: WireRoomAccess.PENDING_APPROVAL,
  PASSWORD: WireRoomAccess.PASSWORD,
  INVITATION: WireRoomAccess.INVITATION,
  REQUEST_APPROVAL: WireRoomAccess.REQUEST_APPROVAL,
  FULL: WireRoomAccess.FULL,
  JOIN: WireRoomAccess.JOIN,
};

const PLAY_MODE_FROM_WIRE: Partial<Record<PlayMode, PlayModeName>> = {
  [PlayMode.SEQUENTIAL]: "SEQUENTIAL",
  [PlayMode.REPEAT_ONE]: "REPEAT_ONE",
  [PlayMode.REPEAT_ALL]: "REPEAT_ALL",
  [PlayMode.SHUFFLE]: "SHUFFLE",
};

/** Wire patch → core patch. Only decoding: limits and permission rules are core's. */
export function patchFromWire(wire: WirePatch | undefined): RoomSettingsPatch {
  if (wire === undefined) return {};
  const patch: RoomSettingsPatch = {};
  const copy = <K extends keyof RoomSettingsPatch>(key: K, value: RoomSettingsPatch[K] | undefined) => {
    if (value !== undefined) patch[key] = value;
  };
  copy("allowGuestJoin", wire.allowGuestJoin);
  // uint64 on the wire; anything past 2^53 is far outside the 0–10 000 range core enforces anyway.
  copy("maxMembers", wire.maxMembers === undefined ? undefined : Number(wire.maxMembers));
  copy("requireApproval", wire.requireApproval);
  copy("allowAutoJoin", wire.allowAutoJoin);
  copy("chatEnabled", wire.chatEnabled);
  copy("voiceChatEnabled", wire.voiceChatEnabled);
  copy("p2pMediaEnabled", wire.p2pMediaEnabled);
  copy("waitForEveryone", wire.waitForEveryone);
  copy("adminAddedPermissions", wire.adminAddedPermissions);
  copy("adminRemovedPermissions", wire.adminRemovedPermissions);
  copy("memberAddedPermissions", wire.memberAddedPermissions);
  copy("memberRemovedPermissions", wire.memberRemovedPermissions);
  copy("guestAddedPermissions", wire.guestAddedPermissions);
  copy("guestRemovedPermissions", wire.guestRemovedPermissions);
  if (wire.autoPlay !== undefined) {
    const { enabled, mode, delay } = wire.autoPlay;
    let name: PlayModeName | undefined;
    if (mode !== undefined) {
      name = PLAY_MODE_FROM_WIRE[mode];
      if (name === undefined) throw invalidArgument("Unknown play mode", { fieldViolations: [unknownMode] });
    }
    patch.autoPlay = {
      ...(enabled === undefined ? {} : { enabled }),
      ...(name === undefined ? {} : { mode: name }),
      ...(delay === undefined ? {} : { delay }),
    };
  }
  return patch;
}

const unknownMode = { field: "settings.auto_play.mode", rule: "enum.defined_only", description: "unknown play mode" };

export function roomLifecycleHandlers(deps: RoomLifecycleHandlerDeps): Partial<ServiceImpl<typeof RoomService>> {
  const { rooms, ids } = deps;
  const roomId = (publicId: string) => ids.decode("room", publicId);
  const memberView = (view: RoomView) =>
    toRoomMessage(view.state, ids, {
      includeSettings: true,
      creatorUsername: view.creatorUsername,
      presence: view.presence,
    });
  const discoveryItem = (item: DiscoveryItem): RoomDiscoveryItem =>
    create(RoomDiscoveryItemSchema, {
      room: toRoomMessage(item.view.state, ids, {
        includeSettings: item.includeSettings,
        creatorUsername: item.view.creatorUsername,
        presence: item.view.presence,
      }),
      joined: item.joined,
      favorited: false,
      canJoin: item.canJoin,
      access: ACCESS_TO_WIRE[item.access],
    });

  return {
    async createRoom(req, ctx) {
      const view = await rooms.creation.create(await callerOf(ctx), {
        name: req.name,
        description: req.description,
        password: req.password,
        isPublic: req.isPublic,
        settings: patchFromWire(req.settings),
      });
      return { room: memberView(view), pendingReviewId: "" };
    },
    async getRoom(req, ctx) {
      const got = await rooms.reads.getRoom(await callerOf(ctx), roomId(req.roomId));
      return {
        room: memberView(got.view),
        // The playback timeline arrives with the playback issue; until then it stays unset.
        selfMember:
          got.member === null
            ? undefined
            : toRoomMemberMessage(got.member, ids, {
                username: got.memberUsername,
                effective: got.effective,
                showOverrides: true,
              }),
        effectivePermissions: got.effective,
        favorited: false,
      };
    },
    async getRoomDiscovery(req, ctx) {
      return { item: discoveryItem(await rooms.discovery.getOne(await callerOf(ctx), roomId(req.roomId))) };
    },
    async discoverRooms(req, ctx) {
      const found = await rooms.discovery.discover(await callerOf(ctx), {
        page: req.page,
        pageSize: req.pageSize,
        search: req.search,
      });
      // Featured rooms are P2.
      return { featuredRooms: [], rooms: found.items.map(discoveryItem), total: found.total };
    },
    async deleteRoom(req, ctx) {
      await rooms.deletion.deleteRoom(await callerOf(ctx), roomId(req.roomId));
      return {};
    },
    async getRoomSettings(req, ctx) {
      const got = await rooms.settings.get(await callerOf(ctx), roomId(req.roomId));
      return { settings: toRoomSettingsMessage(got.settings), version: BigInt(got.version) };
    },
    async updateRoomSettings(req, ctx) {
      const updated = await rooms.settings.update(
        await callerOf(ctx),
        roomId(req.roomId),
        patchFromWire(req.settings),
        req.updateMask?.paths ?? [],
        req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
      );
      return { settings: toRoomSettingsMessage(updated.settings), version: BigInt(updated.version) };
    },
    async resetRoomSettings(req, ctx) {
      const reset = await rooms.settings.reset(await callerOf(ctx), roomId(req.roomId));
      return { settings: toRoomSettingsMessage(reset.settings), version: BigInt(reset.version) };
    },
    async updateRoomVisibility(req, ctx) {
      const view = await rooms.visibility.setVisibility(await callerOf(ctx), roomId(req.roomId), req.isPublic);
      return { room: memberView(view) };
    },
    async transferRoomOwnership(req, ctx) {
      const view = await rooms.transfer.transfer(
        await callerOf(ctx),
        roomId(req.roomId),
        ids.decode("usr", req.newOwnerUserId),
      );
      return { room: memberView(view) };
    },
    async setRoomPassword(req, ctx) {
      const status = await rooms.password.set(await callerOf(ctx), roomId(req.roomId), req.password);
      return { hasPassword: status.hasPassword, passwordVersion: BigInt(status.passwordVersion) };
    },
    async clearRoomPassword(req, ctx) {
      const status = await rooms.password.clear(await callerOf(ctx), roomId(req.roomId));
      return { hasPassword: status.hasPassword, passwordVersion: BigInt(status.passwordVersion) };
    },
  };
}
