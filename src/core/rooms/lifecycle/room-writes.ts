// Small SQL writes shared by the room lifecycle, settings and ownership flows: guest revocation,
// membership versions, the per-creator creation lock and the per-creator quota and name checks.
// Each takes the caller's transaction so it commits with the change that caused it.
import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../../infra/db/database-port.js";
import { rooms } from "../../../infra/db/schema/index.js";
import { AppCode, alreadyExists, failedPrecondition } from "../../errors.js";

/** Revokes every guest token of the room (04 §6): tokens carry the old `gv` and now fail with 1004. */
export async function bumpGuestVersion(tx: DbTransaction, roomId: number): Promise<number> {
  const [row] = await tx
    .update(rooms)
    .set({ guestVersion: sql`${rooms.guestVersion} + 1` })
    .where(eq(rooms.id, roomId))
    .returning({ guestVersion: rooms.guestVersion });
  if (row === undefined) throw new Error(`room ${roomId} vanished inside its own transaction`);
  return row.guestVersion;
}

/**
 * Serialises everything that changes which rooms a user owns (creation, transfer to them), so the
 * quota and the per-owner name uniqueness are checked against a stable set (06 §2 scope locks).
 */
export async function lockOwnerScope(tx: DbTransaction, userId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('room-creation:' || ${userId}::text, 0))`);
}

/** 3103 when `userId` already owns `maxRooms` live rooms. */
export async function assertOwnerQuota(db: DbExecutor, userId: number, maxRooms: number): Promise<void> {
  const [row] = await db
    .select({ n: count() })
    .from(rooms)
    .where(and(eq(rooms.createdBy, userId), isNull(rooms.deletedAt)));
  if ((row?.n ?? 0) >= maxRooms) {
    throw failedPrecondition("The room quota is reached", {
      code: AppCode.ROOM_QUOTA_EXCEEDED,
      metadata: { max_rooms: String(maxRooms) },
    });
  }
}

/** 2102 when `userId` owns a live room named exactly `name`. */
export async function assertOwnerNameFree(db: DbExecutor, userId: number, name: string): Promise<void> {
  const [row] = await db
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.createdBy, userId), eq(rooms.name, name), isNull(rooms.deletedAt)))
    .limit(1);
  if (row !== undefined) throw roomNameTaken();
}

export const roomNameTaken = () =>
  alreadyExists("A room with this name already exists", {
    code: AppCode.ROOM_NAME_TAKEN,
    fieldViolations: [{ field: "name", rule: "unique", description: "unique among the owner's rooms" }],
  });

/** The live-name unique index, hit only if a writer bypassed `lockOwnerScope`. */
export const ROOM_NAME_INDEX = "rooms_creator_name_live_key";
