// Durable event inputs for room-level changes (spec 03 §2.1): one event per change, written through
// the ObservableWriter in the change's transaction. Names: resource `room` | `room_settings` |
// `room_member`, event `room.*` | `settings.*` | `member.*`.

import type { RoomEventInput } from "../../../infra/db/events/room-event-log.js";
import type { JsonObject } from "../../../infra/db/schema/index.js";

export type RoomEventType =
  | "room.created"
  | "room.deleted"
  | "room.banned"
  | "room.unbanned"
  | "room.visibility_changed"
  | "room.password_set"
  | "room.password_cleared"
  | "settings.updated"
  | "settings.reset";

const RESOURCE: Record<RoomEventType, string> = {
  "room.created": "room",
  "room.deleted": "room",
  "room.banned": "room",
  "room.unbanned": "room",
  "room.visibility_changed": "room",
  "room.password_set": "room",
  "room.password_cleared": "room",
  "settings.updated": "room_settings",
  "settings.reset": "room_settings",
};

export function roomEvent(
  roomId: number,
  eventType: RoomEventType,
  actorUserId: number | null,
  payload: JsonObject,
  aggregateVersion?: number,
): RoomEventInput {
  return {
    roomId,
    resourceType: RESOURCE[eventType],
    eventType,
    aggregateType: RESOURCE[eventType],
    aggregateId: String(roomId),
    aggregateVersion: aggregateVersion ?? null,
    actorUserId,
    payload,
    summary: { eventType },
  };
}

/** A member's role or overrides changed (ownership transfer, role changes): `room_member` resource. */
export function memberPermissionChanged(
  roomId: number,
  userId: number,
  actorUserId: number | null,
  payload: JsonObject,
  memberVersion: number,
): RoomEventInput {
  return {
    roomId,
    resourceType: "room_member",
    resourceId: String(userId),
    eventType: "member.permission_changed",
    aggregateType: "room_member",
    aggregateId: `${roomId}:${userId}`,
    aggregateVersion: memberVersion,
    actorUserId,
    userId,
    payload,
    summary: { eventType: "member.permission_changed" },
  };
}
