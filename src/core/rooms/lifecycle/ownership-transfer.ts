// TransferRoomOwnership (spec 04 §8): the creator hands the room to another member. The target must
// be an active user (4002) and a member (3001), within its own room quota (3103) and without a live
// room of the same name (2102). One transaction moves `rooms.created_by`, demotes the old owner to
// ADMIN before promoting the target (one creator per room, 06 §3.2), clears both members' overrides,
// bumps both membership versions and writes two `member.permission_changed` events.
import { and, eq, sql } from "drizzle-orm";
import type { DbTransaction } from "../../../infra/db/database-port.js";
import { RoomMemberRole, roomMembers, rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { requireUser } from "../../auth/access.js";
import { AppCode, failedPrecondition, invalidArgument, permissionDenied } from "../../errors.js";
import { bumpMembershipVersion } from "../../members/membership-rows.js";
import { findUserById } from "../../users/user-repository.js";
import { loadMember } from "../member-record.js";
import { requireCreator } from "../room-access.js";
import type { RoomLifecycleDeps } from "./lifecycle-deps.js";
import { memberPermissionChanged } from "./room-events.js";
import { loadRoomView, type RoomView } from "./room-views.js";
import { assertOwnerNameFree, assertOwnerQuota, lockOwnerScope } from "./room-writes.js";

export class OwnershipTransfer {
  constructor(private readonly deps: RoomLifecycleDeps) {}

  async transfer(actor: Actor, roomId: number, newOwnerId: number): Promise<RoomView> {
    const caller = requireUser(actor);
    const { access, writer, settings, database, clock } = this.deps;

    await writer.run(async (tx, events) => {
      // The room row lock serialises transfers of one room; the caller's row is re-read under it.
      const ctx = await access.enter(actor, roomId, { db: tx, lockRoom: true, lockMember: "update" });
      requireCreator(ctx);
      if (newOwnerId === caller.userId) {
        throw invalidArgument("You already own this room", {
          fieldViolations: [{ field: "new_owner_user_id", rule: "not_self", description: "must be another user" }],
        });
      }
      const target = await findUserById(tx, newOwnerId);
      if (target === null || target.status !== "ACTIVE") {
        throw permissionDenied("The new owner is not an active user", { code: AppCode.USER_BANNED });
      }
      const targetMember = await loadMember(tx, roomId, newOwnerId, { lock: "update" });
      if (targetMember === null) throw failedPrecondition("The new owner must be a member of the room");

      await lockOwnerScope(tx, newOwnerId);
      await assertOwnerQuota(tx, newOwnerId, settings.current().roomCreation.maxRoomsPerUser);
      await assertOwnerNameFree(tx, newOwnerId, ctx.state.name);

      await tx
        .update(rooms)
        .set({ createdBy: newOwnerId, version: sql`${rooms.version} + 1` })
        .where(eq(rooms.id, roomId));
      // Demote first: the partial unique index allows one CREATOR row per room at any moment.
      const demoted = await setRoleClearingOverrides(tx, roomId, caller.userId, RoomMemberRole.admin);
      const promoted = await setRoleClearingOverrides(tx, roomId, newOwnerId, RoomMemberRole.creator);
      const oldOwnerVersion = await bumpMembershipVersion(tx, roomId, caller.userId, true, clock.now());
      const newOwnerVersion = await bumpMembershipVersion(tx, roomId, newOwnerId, true, clock.now());
      await events.append(
        memberPermissionChanged(
          roomId,
          caller.userId,
          caller.userId,
          { role: "ADMIN", previousRole: "CREATOR", reason: "ownership_transfer", membershipVersion: oldOwnerVersion },
          demoted,
        ),
      );
      await events.append(
        memberPermissionChanged(
          roomId,
          newOwnerId,
          caller.userId,
          {
            role: "CREATOR",
            previousRole: targetMember.role,
            reason: "ownership_transfer",
            membershipVersion: newOwnerVersion,
          },
          promoted,
        ),
      );
    });
    return loadRoomView(database.db, roomId, settings.current(), clock.now());
  }
}

/** Sets the member's role and clears all four override masks; returns the member row's new version. */
async function setRoleClearingOverrides(
  tx: DbTransaction,
  roomId: number,
  userId: number,
  role: RoomMemberRole,
): Promise<number> {
  const [row] = await tx
    .update(roomMembers)
    .set({
      role,
      addedPermissions: 0n,
      removedPermissions: 0n,
      adminAddedPermissions: 0n,
      adminRemovedPermissions: 0n,
      version: sql`${roomMembers.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning({ version: roomMembers.version });
  if (row === undefined) throw new Error(`member (${roomId}, ${userId}) vanished during the transfer`);
  return row.version;
}
