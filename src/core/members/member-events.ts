// The durable `room_member` events (spec 03 `room_member_events`, 04 §7): exactly one per membership
// change, appended in the change's transaction so its room_seq orders it among the room's events.
// The payload carries what a receiver needs to build RoomMemberEvent without reading the database.
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { AppendedRoomEvent } from "../../infra/db/events/room-event-log.js";
import type { MemberRecord } from "../rooms/member-record.js";

export type MemberEventKind = "joined" | "left" | "kicked" | "permission_changed";

export interface MemberEventInput {
  kind: MemberEventKind;
  roomId: number;
  userId: number;
  /** Who caused it; null for the management plane. Equal to userId when the member acted on itself. */
  actorUserId: number | null;
  /** The membership version after the change (room_member_versions), the aggregate's version. */
  membershipVersion: number;
  /** The row after the change; absent for left and kicked. */
  member?: MemberRecord;
  reason?: string;
  cooldownEndsAt?: number;
}

export function appendMemberEvent(events: RoomEventRecorder, input: MemberEventInput): Promise<AppendedRoomEvent> {
  return events.append({
    roomId: input.roomId,
    resourceType: "room_member",
    eventType: `member.${input.kind}`,
    aggregateType: "room_member",
    aggregateId: `${input.roomId}:${input.userId}`,
    aggregateVersion: input.membershipVersion,
    actorUserId: input.actorUserId,
    userId: input.userId,
    payload: {
      kind: input.kind,
      member: input.member ? memberSnapshot(input.member) : null,
      reason: input.reason ?? "",
      cooldownEndsAt: input.cooldownEndsAt ?? 0,
    },
    summary: { kind: input.kind },
  });
}

/** JSON has no 64-bit integers: masks travel as decimal strings. */
function memberSnapshot(m: MemberRecord) {
  return {
    role: m.role,
    addedPermissions: m.overrides.added.toString(),
    removedPermissions: m.overrides.removed.toString(),
    adminAddedPermissions: m.overrides.adminAdded.toString(),
    adminRemovedPermissions: m.overrides.adminRemoved.toString(),
    remarkName: m.remarkName,
    displayTag: m.displayTag,
    joinedAt: m.joinedAt,
    version: m.version,
  };
}

/** The resource of guest removals: guests have no member row, so this is not a `room_member` event. */
export const ROOM_GUEST_RESOURCE = "room_guest";
export const GUEST_KICKED_EVENT = "guest.kicked";

/**
 * A guest was kicked (04 §7.5): its token is revoked in the same transaction, and this event lets every
 * node end that guest's open connections at once (GUEST_ACCESS_REVOKED).
 */
export function appendGuestKickedEvent(
  events: RoomEventRecorder,
  input: { roomId: number; guestId: string; actorUserId: number | null; reason: string },
): Promise<AppendedRoomEvent> {
  return events.append({
    roomId: input.roomId,
    resourceType: ROOM_GUEST_RESOURCE,
    resourceId: input.guestId,
    eventType: GUEST_KICKED_EVENT,
    aggregateType: ROOM_GUEST_RESOURCE,
    aggregateId: `${input.roomId}:${input.guestId}`,
    actorUserId: input.actorUserId,
    payload: { guestId: input.guestId, reason: input.reason },
    summary: { kind: "guest_kicked" },
  });
}
