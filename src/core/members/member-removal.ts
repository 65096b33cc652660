// Leaving and being kicked (spec 04 §7.4–7.5) end a membership the same way: delete the row, bump the
// membership version, emit one member event, in the caller's transaction.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { appendMemberEvent } from "./member-events.js";
import { bumpMembershipVersion, deleteMemberRow } from "./membership-rows.js";

export interface RemovalInput {
  kind: "left" | "kicked";
  roomId: number;
  userId: number;
  actorUserId: number | null;
  now: number;
  reason?: string;
  cooldownEndsAt?: number;
}

/** False when there was no member row to remove (nothing written). */
export async function removeMember(
  tx: DbTransaction,
  events: RoomEventRecorder,
  input: RemovalInput,
): Promise<boolean> {
  const removed = await deleteMemberRow(tx, input.roomId, input.userId);
  if (!removed) return false;
  // The favourite goes with the row (room_favorites cascades from room_members, P2).
  // Soft-deleting the user's media items and dynamic playlists in this room, re-parenting others'
  // children and resetting playback if its source went belong here, with the playlist issue (04 §7.4).
  const membershipVersion = await bumpMembershipVersion(tx, input.roomId, input.userId, false, input.now);
  await appendMemberEvent(events, {
    kind: input.kind,
    roomId: input.roomId,
    userId: input.userId,
    actorUserId: input.actorUserId,
    membershipVersion,
    reason: input.reason,
    cooldownEndsAt: input.cooldownEndsAt,
  });
  // After commit the realtime layer ends the user's connections in this room (ROOM_MEMBERSHIP_REVOKED).
  return true;
}
