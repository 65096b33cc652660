// What the library needs from playback state (spec 02 §3.4, 06 §3.3): which item is playing, and
// resetting the state to "nothing" when a forced delete removes it. The state FKs are RESTRICT, but
// library deletes are soft, so this check is the library's job, done under the state row lock.
import { eq, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { roomPlaybackState } from "../../infra/db/schema/index.js";

export interface PlayingSource {
  /** Static source. */
  mediaId: number | null;
  /** Dynamic source (P2). */
  playlistId: number | null;
  generation: number;
}

/** The room's current source, without locking; null when nothing plays (or the room has no state row). */
export async function findPlayingSource(db: DbExecutor, roomId: number): Promise<PlayingSource | null> {
  const [row] = await db
    .select({
      mediaId: roomPlaybackState.playingMediaId,
      playlistId: roomPlaybackState.playingPlaylistId,
      generation: roomPlaybackState.generation,
    })
    .from(roomPlaybackState)
    .where(eq(roomPlaybackState.roomId, roomId));
  if (!row || (row.mediaId === null && row.playlistId === null)) return null;
  return row;
}

/**
 * Same, but locks the state row FOR UPDATE so a concurrent StartPlayback cannot pick an item this
 * transaction is about to delete (it waits, then sees the item gone).
 */
export async function lockPlayingSource(tx: DbTransaction, roomId: number): Promise<PlayingSource | null> {
  const [row] = await tx
    .select({
      mediaId: roomPlaybackState.playingMediaId,
      playlistId: roomPlaybackState.playingPlaylistId,
      generation: roomPlaybackState.generation,
    })
    .from(roomPlaybackState)
    .where(eq(roomPlaybackState.roomId, roomId))
    .for("update");
  if (!row || (row.mediaId === null && row.playlistId === null)) return null;
  return row;
}

/**
 * Clears the source (none), stops, rewinds and bumps generation and version, then records one
 * `playback_state` event. Call with the state row locked (lockPlayingSource).
 */
export async function resetPlaybackToNone(
  tx: DbTransaction,
  events: RoomEventRecorder,
  roomId: number,
  actorUserId: number | null,
): Promise<void> {
  const [row] = await tx
    .update(roomPlaybackState)
    .set({
      playingMediaId: null,
      playingPlaylistId: null,
      target: null,
      targetHash: "",
      currentProgressId: null,
      position: 0,
      isPlaying: false,
      anchorAt: sql`now()`,
      generation: sql`${roomPlaybackState.generation} + 1`,
      version: sql`${roomPlaybackState.version} + 1`,
    })
    .where(eq(roomPlaybackState.roomId, roomId))
    .returning({ generation: roomPlaybackState.generation, version: roomPlaybackState.version });
  if (!row) return;
  await events.append({
    roomId,
    resourceType: "playback_state",
    eventType: "playback.reset",
    aggregateType: "room_playback_state",
    aggregateId: String(roomId),
    aggregateVersion: row.version,
    actorUserId,
    payload: { reason: "source_deleted", generation: row.generation, version: row.version },
    summary: { reason: "source_deleted" },
  });
}
