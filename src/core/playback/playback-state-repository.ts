// The one `room_playback_state` row per room (spec 06 §3.3): read it with its version, and write it
// only by compare-and-set on that version (06 §4.1), so two writers can never both apply.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import {
  media,
  playbackSourceMetadata,
  roomPlaybackState,
  SourceMetadataStatus,
  PlaybackKind as StoredKind,
} from "../../infra/db/schema/index.js";
import type { HistoryRef } from "./playback-view.js";
import type { PlaybackSource, TimelineState } from "./timeline/index.js";

export interface StoredPlaybackState {
  timeline: TimelineState;
  historyCursor: HistoryRef | null;
  /** Known duration of the current source (probe or provider), when its metadata is AVAILABLE. */
  durationSeconds: number | null;
}

/**
 * The room's state, creating the empty row first when a room predates it (room creation writes it;
 * older fixtures and restores may not). null only when the room row itself is gone.
 */
export async function readPlaybackState(db: DbExecutor, roomId: number): Promise<StoredPlaybackState | null> {
  const found = await selectState(db, roomId);
  if (found) return found;
  const inserted = await db.insert(roomPlaybackState).values({ roomId }).onConflictDoNothing().returning({
    roomId: roomPlaybackState.roomId,
  });
  if (inserted.length === 0 && !(await selectState(db, roomId))) return null;
  return selectState(db, roomId);
}

async function selectState(db: DbExecutor, roomId: number): Promise<StoredPlaybackState | null> {
  const [row] = await db
    .select({
      s: roomPlaybackState,
      configKind: sql<string | null>`${media.sourceConfig}->>'playbackKind'`,
      probedKind: playbackSourceMetadata.playbackKind,
      metadataStatus: playbackSourceMetadata.status,
      duration: playbackSourceMetadata.durationSeconds,
    })
    .from(roomPlaybackState)
    .leftJoin(media, and(eq(media.id, roomPlaybackState.playingMediaId), eq(media.roomId, roomPlaybackState.roomId)))
    .leftJoin(
      playbackSourceMetadata,
      and(
        eq(playbackSourceMetadata.roomId, roomPlaybackState.roomId),
        eq(playbackSourceMetadata.mediaId, roomPlaybackState.playingMediaId),
        isNull(playbackSourceMetadata.playlistId),
        eq(playbackSourceMetadata.targetHash, ""),
      ),
    )
    .where(eq(roomPlaybackState.roomId, roomId));
  if (!row) return null;
  const s = row.s;
  // The probe may reclassify a source as live (HLS without ENDLIST, 07 §12.1); that wins over the config.
  const live = row.probedKind === StoredKind.live || row.configKind === "live";
  const timeline: TimelineState = {
    source: sourceOf(s),
    playbackKind: live ? "LIVE" : "REGULAR",
    position: s.position,
    anchorAt: s.anchorAt.getTime(),
    speed: s.speed,
    playing: s.isPlaying,
    version: s.version,
    generation: s.generation,
  };
  const historyCursor =
    s.historyCursorId !== null && s.historyCursorCreatedAt !== null
      ? { id: s.historyCursorId, createdAtMs: s.historyCursorCreatedAt.getTime() }
      : null;
  const durationSeconds = row.metadataStatus === SourceMetadataStatus.available ? (row.duration ?? null) : null;
  return { timeline, historyCursor, durationSeconds };
}

function sourceOf(s: typeof roomPlaybackState.$inferSelect): PlaybackSource {
  if (s.playingMediaId !== null) return { kind: "static", mediaId: s.playingMediaId, playlistId: null };
  if (s.playingPlaylistId !== null) {
    return { kind: "dynamic", playlistId: s.playingPlaylistId, target: s.target, targetHash: s.targetHash };
  }
  return { kind: "none" };
}

/**
 * `UPDATE … SET …, version = version + 1 WHERE room_id = $1 AND version = $seen`: the new version, or
 * null when someone else wrote first. Under READ COMMITTED a concurrent writer waits for the row lock
 * and then re-checks the version, so exactly one of two racing writers gets a row back. The winner
 * holds the row lock until commit, which also serialises the per-room history sequence (06 §3.3).
 */
export async function compareAndSetState(
  tx: DbTransaction,
  roomId: number,
  seenVersion: number,
  next: TimelineState,
): Promise<number | null> {
  const source = next.source;
  const [row] = await tx
    .update(roomPlaybackState)
    .set({
      // Static rows never name a playlist: the CHECK keeps one progress row per media wherever it moves.
      playingMediaId: source.kind === "static" ? source.mediaId : null,
      playingPlaylistId: source.kind === "dynamic" ? source.playlistId : null,
      target: source.kind === "dynamic" ? ((source.target ?? {}) as Record<string, unknown>) : null,
      targetHash: source.kind === "dynamic" ? source.targetHash : "",
      position: next.position,
      anchorAt: new Date(next.anchorAt),
      speed: next.speed,
      isPlaying: next.playing,
      generation: next.generation,
      version: sql`${roomPlaybackState.version} + 1`,
    })
    .where(and(eq(roomPlaybackState.roomId, roomId), eq(roomPlaybackState.version, seenVersion)))
    .returning({ version: roomPlaybackState.version });
  return row?.version ?? null;
}

/** Points the state at a history entry (or none). Runs after the CAS in the same transaction: no bump. */
export async function setHistoryCursor(tx: DbTransaction, roomId: number, cursor: HistoryRef | null): Promise<void> {
  await tx
    .update(roomPlaybackState)
    .set({
      historyCursorId: cursor?.id ?? null,
      historyCursorCreatedAt: cursor ? new Date(cursor.createdAtMs) : null,
    })
    .where(eq(roomPlaybackState.roomId, roomId));
}

/** The current version, for the `current_version` of a conflict. */
export async function currentStateVersion(db: DbExecutor, roomId: number): Promise<number | null> {
  const [row] = await db
    .select({ version: roomPlaybackState.version })
    .from(roomPlaybackState)
    .where(eq(roomPlaybackState.roomId, roomId));
  return row?.version ?? null;
}

/** Bumps the version of a state whose history cursor the database cleared (entry deleted). */
export async function bumpStateVersion(tx: DbTransaction, roomId: number): Promise<number | null> {
  const [row] = await tx
    .update(roomPlaybackState)
    .set({ version: sql`${roomPlaybackState.version} + 1` })
    .where(eq(roomPlaybackState.roomId, roomId))
    .returning({ version: roomPlaybackState.version });
  return row?.version ?? null;
}
