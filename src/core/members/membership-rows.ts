// Writes to room_members and room_member_versions (spec 06 §3.2, 04 §9.6): the per-(room, user)
// admission lock, inserting and deleting member rows, visits, and the membership version that fences
// permission caches. Callers run these inside the write transaction of the change they belong to.
import { and, count, eq, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { roomMembers, roomMemberVersions, rooms } from "../../infra/db/schema/index.js";
import { type MemberRecord, ROLE_CODE, toMemberRecord } from "../rooms/member-record.js";

export type StoredRole = MemberRecord["role"];

/**
 * Serialises every admission of one user into one room (JoinRoom step 8, AddMember, approval) for the
 * rest of the transaction, so "not a member yet" cannot be decided twice at once. Independent of the
 * room-wide locks, so different users still join in parallel up to the capacity check.
 */
export async function lockMemberSlot(tx: DbTransaction, roomId: number, userId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`room-member:${roomId}:${userId}`}, 0))`);
}

/**
 * Locks the room row, then counts members in a separate statement. Counting in the locking statement
 * would use the snapshot taken before waiting for the lock and miss the member a concurrent join just
 * committed; the next statement (READ COMMITTED) sees it.
 */
export async function lockRoomAndCountMembers(tx: DbTransaction, roomId: number): Promise<number> {
  await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
  const [row] = await tx.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
  return Number(row?.n ?? 0);
}

export interface NewMember {
  roomId: number;
  userId: number;
  role: Exclude<StoredRole, "CREATOR">;
  remarkName: string;
  displayTag: string;
  now: number;
}

/** A new member row with its first visit counted (04 §7.1 step 12). */
export async function insertMemberRow(tx: DbTransaction, input: NewMember): Promise<MemberRecord> {
  const at = new Date(input.now);
  const [row] = await tx
    .insert(roomMembers)
    .values({
      roomId: input.roomId,
      userId: input.userId,
      role: ROLE_CODE[input.role],
      remarkName: input.remarkName === "" ? null : input.remarkName,
      displayTag: input.displayTag === "" ? null : input.displayTag,
      joinedAt: at,
      lastVisitedAt: at,
      lastCountedVisitAt: at,
      visitCount: 1,
      updatedAt: at,
    })
    .returning();
  if (!row) throw new Error("member insert returned no row");
  return toMemberRecord(row);
}

/** Removes the member row; the returned record is what was deleted, or null when there was none. */
export async function deleteMemberRow(tx: DbTransaction, roomId: number, userId: number): Promise<MemberRecord | null> {
  const [row] = await tx
    .delete(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning();
  return row ? toMemberRecord(row) : null;
}

/** An idempotent JoinRoom by a member (04 §7.1 step 5): a visit, never a membership change. */
export async function recordVisit(
  db: DbExecutor,
  roomId: number,
  userId: number,
  now: number,
): Promise<MemberRecord | null> {
  const at = new Date(now);
  const [row] = await db
    .update(roomMembers)
    .set({
      lastVisitedAt: at,
      lastCountedVisitAt: at,
      visitCount: sql`${roomMembers.visitCount} + 1`,
    })
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .returning();
  return row ? toMemberRecord(row) : null;
}

/**
 * Bumps the (room, user) membership version in the caller's transaction (04 §9.6). An upsert: the row
 * outlives the membership and never decreases, so a rejoin continues the count.
 */
export async function bumpMembershipVersion(
  tx: DbTransaction,
  roomId: number,
  userId: number,
  isMember: boolean,
  now: number,
): Promise<number> {
  const at = new Date(now);
  const [row] = await tx
    .insert(roomMemberVersions)
    .values({ roomId, userId, version: 1, isMember, updatedAt: at })
    .onConflictDoUpdate({
      target: [roomMemberVersions.roomId, roomMemberVersions.userId],
      set: { version: sql`${roomMemberVersions.version} + 1`, isMember, updatedAt: at },
    })
    .returning({ version: roomMemberVersions.version });
  if (!row) throw new Error("membership version upsert returned no row");
  return row.version;
}
