// Room core records → synctv.v1 wire messages. Settings are included only for admitted viewers;
// member override masks only for viewers allowed to see them (02 §5.14).
import { create } from "@bufbuild/protobuf";
import { ResourceAvailability } from "../../../gen/synctv/v1/common_pb.js";
import {
  PlayMode,
  type Room,
  type RoomMember,
  RoomMemberRole,
  RoomMemberSchema,
  RoomSchema,
  type RoomSettings,
  RoomSettingsSchema,
  RoomStatus,
} from "../../../gen/synctv/v1/room_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { RoomRole } from "../../core/permissions/index.js";
import type { RoomPresenceCounts } from "../../core/realtime-runtime/presence-identity.js";
import type { MemberRecord } from "../../core/rooms/member-record.js";
import type { PlayModeName, RoomSettingsDocument } from "../../core/rooms/room-settings-document.js";
import type { RoomState } from "../../core/rooms/room-state.js";

export const roleToWire: Record<RoomRole, RoomMemberRole> = {
  CREATOR: RoomMemberRole.CREATOR,
  ADMIN: RoomMemberRole.ADMIN,
  MEMBER: RoomMemberRole.MEMBER,
  GUEST: RoomMemberRole.GUEST,
};

export const playModeToWire: Record<PlayModeName, PlayMode> = {
  SEQUENTIAL: PlayMode.SEQUENTIAL,
  REPEAT_ONE: PlayMode.REPEAT_ONE,
  REPEAT_ALL: PlayMode.REPEAT_ALL,
  SHUFFLE: PlayMode.SHUFFLE,
};

export function toRoomSettingsMessage(doc: RoomSettingsDocument): RoomSettings {
  return create(RoomSettingsSchema, {
    allowGuestJoin: doc.allowGuestJoin,
    maxMembers: BigInt(doc.maxMembers),
    requireApproval: doc.requireApproval,
    allowAutoJoin: doc.allowAutoJoin,
    chatEnabled: doc.chatEnabled,
    voiceChatEnabled: doc.voiceChatEnabled,
    p2pMediaEnabled: doc.p2pMediaEnabled,
    autoPlay: { enabled: doc.autoPlay.enabled, mode: playModeToWire[doc.autoPlay.mode], delay: doc.autoPlay.delay },
    waitForEveryone: doc.waitForEveryone,
    adminAddedPermissions: doc.adminAddedPermissions,
    adminRemovedPermissions: doc.adminRemovedPermissions,
    memberAddedPermissions: doc.memberAddedPermissions,
    memberRemovedPermissions: doc.memberRemovedPermissions,
    guestAddedPermissions: doc.guestAddedPermissions,
    guestRemovedPermissions: doc.guestRemovedPermissions,
  });
}

export interface RoomViewOptions {
  /** Settings are hidden in non-member discovery views (02 §4). */
  includeSettings: boolean;
  creatorUsername?: string;
  /** Live presence counters (RoomView.presence); unset when the node does not track them. */
  presence?: RoomPresenceCounts | undefined;
}

export function toRoomMessage(state: RoomState, ids: PublicIdCodec, options: RoomViewOptions): Room {
  return create(RoomSchema, {
    id: ids.encode("room", state.id),
    name: state.name,
    description: state.description,
    createdBy: ids.encode("usr", state.createdBy),
    creator:
      options.creatorUsername === undefined
        ? undefined
        : { id: ids.encode("usr", state.createdBy), username: options.creatorUsername },
    status: state.closed ? RoomStatus.CLOSED : RoomStatus.ACTIVE,
    isPublic: state.isPublic,
    isBanned: state.banned,
    hasPassword: state.hasPassword,
    availability: state.creatorActive ? ResourceAvailability.AVAILABLE : ResourceAvailability.CREATOR_INACTIVE,
    settings: options.includeSettings ? toRoomSettingsMessage(state.settings) : undefined,
    memberCount: state.memberCount,
    presence:
      options.presence === undefined
        ? undefined
        : {
            onlineMemberCount: options.presence.onlineMemberCount,
            onlineGuestCount: options.presence.onlineGuestCount,
            connectionCount: options.presence.connectionCount,
            sampledAt: BigInt(options.presence.sampledAt),
          },
    version: BigInt(state.version),
    createdAt: BigInt(state.createdAt),
    updatedAt: BigInt(state.updatedAt),
    lastActivityAt: BigInt(state.lastActivityAt),
  });
}

export interface MemberViewOptions {
  username: string;
  effective: bigint;
  /** Overrides are zeroed unless the viewer manages permissions or is the member (02 §3.3). */
  showOverrides: boolean;
  isOnline?: boolean;
  connectionCount?: number;
}

export function toRoomMemberMessage(member: MemberRecord, ids: PublicIdCodec, o: MemberViewOptions): RoomMember {
  const show = o.showOverrides;
  return create(RoomMemberSchema, {
    roomId: ids.encode("room", member.roomId),
    userId: ids.encode("usr", member.userId),
    username: o.username,
    role: roleToWire[member.role],
    permissions: o.effective,
    addedPermissions: show ? member.overrides.added : 0n,
    removedPermissions: show ? member.overrides.removed : 0n,
    adminAddedPermissions: show ? member.overrides.adminAdded : 0n,
    adminRemovedPermissions: show ? member.overrides.adminRemoved : 0n,
    remarkName: member.remarkName,
    displayTag: member.displayTag,
    isOnline: o.isOnline ?? false,
    connectionCount: o.connectionCount ?? 0,
    joinedAt: BigInt(member.joinedAt),
    version: BigInt(member.version),
  });
}
