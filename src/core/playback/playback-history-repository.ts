// Rows of `room_playback_history` (spec 06 §3.3, daily partitions): appended on source changes with a
// per-room sequence, read by cursor, resumed from, and deleted by room admins. Lookups always carry
// `created_at` so they hit one partition.
import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { roomPlaybackHistory } from "../../infra/db/partitions/playback-history-table.js";
import type { HistoryRef } from "./playback-view.js";

export type HistoryRow = typeof roomPlaybackHistory.$inferSelect;

export interface NewHistoryEntry {
  roomId: number;
  mediaId: number;
  mediaName: string;
  playlistName: string | null;
  selectedByUserId: number | null;
}

export function refOf(row: Pick<HistoryRow, "id" | "createdAt">): HistoryRef {
  return { id: row.id, createdAtMs: row.createdAt.getTime() };
}

const byRef = (roomId: number, ref: HistoryRef) =>
  and(
    eq(roomPlaybackHistory.roomId, roomId),
    eq(roomPlaybackHistory.id, ref.id),
    eq(roomPlaybackHistory.createdAt, new Date(ref.createdAtMs)),
  );

/**
 * Appends an entry with sequence = the room's max + 1. The caller holds the room's state row lock
 * (its CAS ran first in this transaction), which is what makes max + 1 safe (06 §3.3).
 */
export async function appendHistoryEntry(tx: DbTransaction, entry: NewHistoryEntry): Promise<HistoryRow> {
  const [row] = await tx
    .insert(roomPlaybackHistory)
    .values({
      roomId: entry.roomId,
      sequence: sql`(SELECT coalesce(max(${roomPlaybackHistory.sequence}), 0) + 1 FROM ${roomPlaybackHistory} WHERE ${roomPlaybackHistory.roomId} = ${entry.roomId})`,
      mediaId: entry.mediaId,
      mediaName: entry.mediaName,
      playlistName: entry.playlistName,
      positionSeconds: 0,
      selectedByUserId: entry.selectedByUserId,
    })
    .returning();
  if (!row) throw new Error("history insert returned no row");
  return row;
}

/** Saves where the outgoing source stopped on the entry that was current, so resuming it continues there. */
export async function saveHistoryPosition(
  tx: DbTransaction,
  roomId: number,
  ref: HistoryRef,
  positionSeconds: number,
): Promise<HistoryRow | null> {
  const [row] = await tx.update(roomPlaybackHistory).set({ positionSeconds }).where(byRef(roomId, ref)).returning();
  return row ?? null;
}

export async function findHistoryEntry(db: DbExecutor, roomId: number, ref: HistoryRef): Promise<HistoryRow | null> {
  const [row] = await db.select().from(roomPlaybackHistory).where(byRef(roomId, ref));
  return row ?? null;
}

/** The entry recorded right after `ref` (the history cursor's "next", 07 §14.2), or null. */
export async function historyEntryAfter(db: DbExecutor, roomId: number, ref: HistoryRef): Promise<HistoryRow | null> {
  const current = await findHistoryEntry(db, roomId, ref);
  if (!current) return null;
  const [row] = await db
    .select()
    .from(roomPlaybackHistory)
    .where(and(eq(roomPlaybackHistory.roomId, roomId), gt(roomPlaybackHistory.sequence, current.sequence)))
    .orderBy(asc(roomPlaybackHistory.sequence))
    .limit(1);
  return row ?? null;
}

export interface HistoryPageQuery {
  roomId: number;
  /** Sequence of the last row of the previous page; null for the first page. */
  afterSequence: number | null;
  limit: number;
  newestFirst: boolean;
}

/** One page plus one look-ahead row, ordered by sequence (unique per room). */
export async function listHistory(db: DbExecutor, q: HistoryPageQuery): Promise<HistoryRow[]> {
  const s = roomPlaybackHistory.sequence;
  const keyset = q.afterSequence === null ? undefined : q.newestFirst ? lt(s, q.afterSequence) : gt(s, q.afterSequence);
  return db
    .select()
    .from(roomPlaybackHistory)
    .where(and(eq(roomPlaybackHistory.roomId, q.roomId), keyset))
    .orderBy(q.newestFirst ? desc(s) : asc(s))
    .limit(q.limit + 1);
}

export async function deleteHistoryEntry(tx: DbTransaction, roomId: number, ref: HistoryRef): Promise<boolean> {
  const rows = await tx.delete(roomPlaybackHistory).where(byRef(roomId, ref)).returning({ id: roomPlaybackHistory.id });
  return rows.length > 0;
}

export async function clearHistory(tx: DbTransaction, roomId: number): Promise<number> {
  const rows = await tx
    .delete(roomPlaybackHistory)
    .where(eq(roomPlaybackHistory.roomId, roomId))
    .returning({ id: roomPlaybackHistory.id });
  return rows.length;
}
