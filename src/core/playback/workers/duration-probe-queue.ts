// The SQL of the duration probe queue (07 §14.1, 06 §4.4): seed UNKNOWN rows for the rooms' current
// static sources, claim due rows with FOR UPDATE … SKIP LOCKED, and write results under a version fence.
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { DbExecutor } from "../../../infra/db/database-port.js";
import {
  media,
  type PlaybackKind,
  playbackSourceMetadata,
  roomPlaybackState,
  type SourceMetadataOrigin,
  SourceMetadataStatus,
} from "../../../infra/db/schema/index.js";
import { metadataOfCurrentSource } from "./current-source-join.js";

/** Rows claimed per tick per node (06 §4.4). */
export const PROBE_CLAIM_LIMIT = 32;
/** A claim is a lease: a node that dies mid-probe leaves PENDING rows that come due again after this. */
export const PROBE_LEASE_MS = 5 * 60_000;

// PENDING is claimable so a lease whose node died is taken over once its next_retry_at passes.
const CLAIMABLE_STATUSES = [
  SourceMetadataStatus.unknown,
  SourceMetadataStatus.failed,
  SourceMetadataStatus.unavailable,
  SourceMetadataStatus.pending,
];

export interface ClaimedSource {
  id: number;
  roomId: number;
  mediaId: number | null;
  playlistId: number | null;
  /** The version this claim set; results are written only while it still holds. */
  version: number;
}

/**
 * Inserts an UNKNOWN row for each room whose current source is a regular static media item and has
 * none yet. ON CONFLICT DO NOTHING: another node (or an earlier tick) may have inserted it first.
 */
export async function seedSourceMetadata(db: DbExecutor, roomIds: readonly number[]): Promise<void> {
  if (roomIds.length === 0) return;
  const state = roomPlaybackState;
  // Raw INSERT … SELECT: drizzle's insert().select() wants every table column, in order. Only sources
  // stored as regular qualify: LIVE ones have no duration to probe (07 §12.1 step 3).
  await db.execute(sql`
    INSERT INTO ${playbackSourceMetadata} (room_id, media_id, target_hash, media_name)
    SELECT ${state.roomId}, ${media.id}, '', ${media.name}
    FROM ${state}
    JOIN ${media} ON ${media.id} = ${state.playingMediaId} AND ${media.roomId} = ${state.roomId}
    WHERE ${inArray(state.roomId, [...roomIds])}
      AND ${media.deletedAt} IS NULL
      AND ${media.sourceConfig}->>'playbackKind' = 'regular'
    ON CONFLICT DO NOTHING`);
}

/**
 * Claims up to `limit` due rows of the rooms' current sources in one statement, marking them PENDING
 * with a fresh lease. Rows another claimer holds are skipped, not waited for; a row it has just claimed
 * fails the re-check on its new `next_retry_at`, so two claimers never get the same row.
 */
export async function claimProbeBatch(
  db: DbExecutor,
  options: { roomIds: readonly number[]; now: number; limit?: number },
): Promise<ClaimedSource[]> {
  if (options.roomIds.length === 0) return [];
  const now = new Date(options.now);
  const m = playbackSourceMetadata;
  const due = db.$with("due").as(
    db
      .select({ id: m.id })
      .from(m)
      .innerJoin(roomPlaybackState, metadataOfCurrentSource())
      .where(
        and(
          inArray(m.roomId, [...options.roomIds]),
          inArray(m.status, CLAIMABLE_STATUSES),
          isNull(m.durationSeconds),
          or(isNull(m.nextRetryAt), lte(m.nextRetryAt, now)),
        ),
      )
      .orderBy(asc(m.updatedAt), asc(m.id))
      .limit(options.limit ?? PROBE_CLAIM_LIMIT)
      // Lock the metadata rows only: the playback state row belongs to playback transitions.
      .for("update", { of: m, skipLocked: true }),
  );
  return db
    .with(due)
    .update(m)
    .set({
      status: SourceMetadataStatus.pending,
      nextRetryAt: new Date(options.now + PROBE_LEASE_MS),
      version: sql`${m.version} + 1`,
    })
    .where(inArray(m.id, db.select({ id: due.id }).from(due)))
    .returning({ id: m.id, roomId: m.roomId, mediaId: m.mediaId, playlistId: m.playlistId, version: m.version });
}

/** What a probe concluded, as stored. */
export interface ProbeRecord {
  status: SourceMetadataStatus;
  playbackKind: PlaybackKind;
  durationSeconds: number | null;
  origin: SourceMetadataOrigin | null;
  error: string | null;
  nextRetryAt: Date | null;
}

/**
 * Writes a result if the claim still holds (`version` unchanged). Returns false when it did not: the
 * lease expired and another node re-claimed the row, whose result then wins.
 */
export async function recordProbeResult(
  db: DbExecutor,
  claim: Pick<ClaimedSource, "id" | "version">,
  record: ProbeRecord,
): Promise<boolean> {
  const m = playbackSourceMetadata;
  const rows = await db
    .update(m)
    .set({
      status: record.status,
      playbackKind: record.playbackKind,
      durationSeconds: record.durationSeconds,
      source: record.origin,
      error: record.error,
      nextRetryAt: record.nextRetryAt,
      version: sql`${m.version} + 1`,
    })
    .where(and(eq(m.id, claim.id), eq(m.version, claim.version)))
    .returning({ id: m.id });
  return rows.length > 0;
}
