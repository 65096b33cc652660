// Resume positions in `room_playback_progress` (spec 06 §3.3): written when a source is left, paused or
// stopped, one row per source (the unique index is on COALESCE'd ids, so the upsert names it by expression).
import { sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import { MAX_POSITION_SECONDS, type PlaybackSource } from "./timeline/index.js";

/** Upserts the position of a static source; dynamic targets (P2) and "none" have nothing to save. */
export async function saveProgress(
  tx: DbTransaction,
  roomId: number,
  source: PlaybackSource,
  positionSeconds: number,
): Promise<void> {
  if (source.kind !== "static") return;
  const position = clampPosition(positionSeconds);
  await tx.execute(sql`
    INSERT INTO room_playback_progress (room_id, media_id, target_hash, position)
    VALUES (${roomId}, ${source.mediaId}, '', ${position})
    ON CONFLICT (room_id, (COALESCE(media_id, 0)), (COALESCE(playlist_id, 0)), target_hash)
    DO UPDATE SET position = EXCLUDED.position, version = room_playback_progress.version + 1`);
}

/** Positions are stored finite and non-negative; a long-running live clock is capped like a SEEK. */
export function clampPosition(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) return 0;
  return Math.min(seconds, MAX_POSITION_SECONDS);
}
