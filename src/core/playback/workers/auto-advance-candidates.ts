// The auto-advance worker's read (07 §14.2): for the given rooms, the playing state, the known duration
// of its current source (metadata AVAILABLE, not live) and the room's settings document. No locks.
import { and, asc, eq, inArray, isNotNull, ne } from "drizzle-orm";
import type { DbExecutor } from "../../../infra/db/database-port.js";
import {
  type JsonObject,
  PlaybackKind,
  playbackSourceMetadata,
  roomPlaybackState,
  roomSettings,
  SourceMetadataStatus,
} from "../../../infra/db/schema/index.js";
import type { TimelineState } from "../timeline/index.js";
import { metadataOfCurrentSource } from "./current-source-join.js";

/** Rooms considered per tick per node (07 §14.2). */
export const AUTO_ADVANCE_CANDIDATE_LIMIT = 256;

export interface AutoAdvanceCandidate {
  roomId: number;
  timeline: TimelineState;
  durationSeconds: number;
  /** The stored settings document (camelCase keys; missing keys mean defaults). */
  settings: JsonObject;
}

export async function readAutoAdvanceCandidates(
  db: DbExecutor,
  roomIds: readonly number[],
  limit = AUTO_ADVANCE_CANDIDATE_LIMIT,
): Promise<AutoAdvanceCandidate[]> {
  if (roomIds.length === 0) return [];
  const s = roomPlaybackState;
  const m = playbackSourceMetadata;
  const rows = await db
    .select({
      roomId: s.roomId,
      mediaId: s.playingMediaId,
      playlistId: s.playingPlaylistId,
      target: s.target,
      targetHash: s.targetHash,
      position: s.position,
      anchorAt: s.anchorAt,
      speed: s.speed,
      playing: s.isPlaying,
      version: s.version,
      generation: s.generation,
      durationSeconds: m.durationSeconds,
      settings: roomSettings.settings,
    })
    .from(s)
    .innerJoin(m, metadataOfCurrentSource())
    .leftJoin(roomSettings, eq(roomSettings.roomId, s.roomId))
    .where(
      and(
        inArray(s.roomId, [...roomIds]),
        eq(s.isPlaying, true),
        eq(m.status, SourceMetadataStatus.available),
        isNotNull(m.durationSeconds),
        // LIVE sources never auto-advance.
        ne(m.playbackKind, PlaybackKind.live),
      ),
    )
    .orderBy(asc(s.roomId))
    .limit(limit);
  return rows.map((r) => ({
    roomId: r.roomId,
    timeline: {
      source:
        r.mediaId !== null
          ? { kind: "static", mediaId: r.mediaId, playlistId: r.playlistId }
          : { kind: "dynamic", playlistId: r.playlistId ?? 0, target: r.target, targetHash: r.targetHash },
      playbackKind: "REGULAR",
      position: r.position,
      anchorAt: r.anchorAt.getTime(),
      speed: r.speed,
      playing: r.playing,
      version: r.version,
      generation: r.generation,
    },
    durationSeconds: r.durationSeconds ?? 0,
    settings: r.settings ?? {},
  }));
}
