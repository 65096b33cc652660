// DeleteRoom (spec 04 §2.1, 02 §3.3): the creator, a holder of `delete_room`, or a platform admin
// soft-deletes the room. In the same transaction: memberships end (their versions bumped, 04 §9.6),
// guest tokens are revoked (guest version, 04 §6) and one `room.deleted` event is written. Afterwards
// the room answers NOT_FOUND everywhere; there is no client restore. Operators may delete a batch in
// one transaction.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbTransaction } from "../../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../../infra/db/events/observable-writer.js";
import { DeletionSource, roomMembers, rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { invalidArgument, notFound } from "../../errors.js";
import { bumpMembershipVersion } from "../../members/membership-rows.js";
import { isPlatformAdmin, requirePermission } from "../room-access.js";
import { loadRoomState } from "../room-state.js";
import type { RoomLifecycleDeps } from "./lifecycle-deps.js";
import { roomEvent } from "./room-events.js";
import { bumpGuestVersion } from "./room-writes.js";

/** BatchDeleteRooms takes 1–100 rooms (08 §4.2). */
export const BATCH_MAX_ROOM_DELETIONS = 100;

export class RoomDeletion {
  constructor(private readonly deps: RoomLifecycleDeps) {}

  async deleteRoom(actor: Actor, roomId: number): Promise<void> {
    await this.deps.writer.run((tx, events) => this.#delete(tx, events, actor, roomId));
  }

  /**
   * Deletes 1–100 rooms in one transaction (08 §4.2 batch delete): all or nothing, each under the
   * same rules as deleteRoom; a room named twice counts once.
   */
  async deleteRooms(actor: Actor, roomIds: readonly number[]): Promise<number> {
    if (roomIds.length < 1 || roomIds.length > BATCH_MAX_ROOM_DELETIONS) {
      throw invalidArgument(`Delete 1–${BATCH_MAX_ROOM_DELETIONS} rooms at a time`);
    }
    const unique = [...new Set(roomIds)];
    await this.deps.writer.run(async (tx, events) => {
      for (const roomId of unique) await this.#delete(tx, events, actor, roomId);
    });
    return unique.length;
  }

  async #delete(tx: DbTransaction, events: RoomEventRecorder, actor: Actor, roomId: number): Promise<void> {
    const moderator = isPlatformAdmin(actor);
    // Guests go through the gate like anyone else and lack `delete_room` (4000).
    const actorUserId = actor.kind === "user" ? actor.userId : null;
    const { access, settings, clock } = this.deps;

    let source: DeletionSource = DeletionSource.user;
    if (moderator) {
      // Platform admins pass every room-state gate; they need no membership.
      const state = await loadRoomState(tx, roomId, settings.current(), clock.now(), { forUpdate: true });
      if (state === null) throw notFound("Room not found");
      if (state.createdBy !== actorUserId) source = DeletionSource.admin;
    } else {
      // The creator keeps DeleteRoom in banned or closed rooms; `delete_room` holders do not.
      const ctx = await access.enter(actor, roomId, {
        exception: "creator-delete",
        db: tx,
        lockMember: "share",
        lockRoom: true,
      });
      if (ctx.role !== "CREATOR") requirePermission(ctx, "delete_room");
    }

    const removed = await softDeleteRoom(tx, events, {
      roomId,
      source,
      actorUserId,
      deletedOwnerId: null,
      now: clock.now(),
    });
    if (!removed) throw notFound("Room not found");
  }
}

export interface RoomRemovalInput {
  roomId: number;
  source: DeletionSource;
  /** Who deleted it; null for the management plane. */
  actorUserId: number | null;
  /** The account whose deletion hid the room (06 §4.8), so restoring that account brings it back. */
  deletedOwnerId: number | null;
  now: number;
}

/**
 * The per-room step of every room deletion (DeleteRoom, batch delete, the owner's account deletion):
 * soft-delete the live row, revoke guests, end every membership with its version bumped and append one
 * `room.deleted` event, whose subscribers end the room's connections with ROOM_DELETED. False when the
 * room is not live (nothing written).
 */
export async function softDeleteRoom(
  tx: DbTransaction,
  events: RoomEventRecorder,
  input: RoomRemovalInput,
): Promise<boolean> {
  const { roomId, source, actorUserId } = input;
  const [deleted] = await tx
    .update(rooms)
    .set({
      deletedAt: new Date(input.now),
      deletionSource: source,
      deletedBy: actorUserId,
      deletedOwnerId: input.deletedOwnerId,
      version: sql`${rooms.version} + 1`,
    })
    .where(and(eq(rooms.id, roomId), isNull(rooms.deletedAt)))
    .returning({ id: rooms.id });
  if (deleted === undefined) return false;
  const guestVersion = await bumpGuestVersion(tx, roomId);
  const removed = await tx
    .delete(roomMembers)
    .where(eq(roomMembers.roomId, roomId))
    .returning({ userId: roomMembers.userId });
  for (const { userId } of removed) await bumpMembershipVersion(tx, roomId, userId, false, input.now);
  await events.append(
    roomEvent(roomId, "room.deleted", actorUserId, {
      deletionSource: source,
      guestVersion,
      removedMembers: removed.length,
    }),
  );
  return true;
}
