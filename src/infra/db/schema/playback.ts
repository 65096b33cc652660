// Room playback (spec 06 §3.3, 07 §1, §14): the one state row per room, resume positions, probed
// source metadata and the playback idempotency keys (06 §4.3). The partitioned history table is
// created by a custom migration and typed in ../partitions/playback-history-table.ts.
import { type SQL, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import type { JsonObject } from "./events.js";
import { media, playlists } from "./playlists.js";
import { rooms } from "./rooms.js";
import { timestamptz } from "./users.js";

/** `playback_source_metadata.playback_kind`: append-only (07 §14.1). */
export const PlaybackKind = { unknown: 0, regular: 1, live: 2 } as const;
export type PlaybackKind = (typeof PlaybackKind)[keyof typeof PlaybackKind];

/** `playback_source_metadata.status`: append-only (07 §14.1). */
export const SourceMetadataStatus = { unknown: 0, pending: 1, available: 2, unavailable: 3, failed: 4 } as const;
export type SourceMetadataStatus = (typeof SourceMetadataStatus)[keyof typeof SourceMetadataStatus];

/** `playback_source_metadata.source`: who supplied the facts. */
export const SourceMetadataOrigin = { provider: 1, probe: 2 } as const;
export type SourceMetadataOrigin = (typeof SourceMetadataOrigin)[keyof typeof SourceMetadataOrigin];

/** Hex SHA-256 of a dynamic target's canonical JSON (07 §1); static media use ''. */
export const TARGET_HASH_PATTERN = "^[0-9a-f]{64}$";

interface SourceColumns {
  media: AnyPgColumn;
  playlist: AnyPgColumn;
  targetHash: AnyPgColumn;
  target?: AnyPgColumn;
}

/**
 * The shapes of a playback source: static (a media item; no playlist, no target, hash '') or dynamic
 * (a playlist plus a target and its hash). With `allowNone`, also "nothing": every column empty.
 * Static rows never name a playlist, so one media item has one progress and one metadata row
 * wherever it moves.
 */
export function sourceShape(c: SourceColumns, allowNone: boolean): SQL {
  const targetNull = c.target ? sql` AND ${c.target} IS NULL` : sql``;
  const targetSet = c.target ? sql` AND ${c.target} IS NOT NULL` : sql``;
  const none = sql`(${c.media} IS NULL AND ${c.playlist} IS NULL AND ${c.targetHash} = ''${targetNull})`;
  const statik = sql`(${c.media} IS NOT NULL AND ${c.playlist} IS NULL AND ${c.targetHash} = ''${targetNull})`;
  const dynamic = sql`(${c.media} IS NULL AND ${c.playlist} IS NOT NULL AND ${c.targetHash} ~ ${sql.raw(`'${TARGET_HASH_PATTERN}'`)}${targetSet})`;
  return allowNone ? sql`${none} OR ${statik} OR ${dynamic}` : sql`${statik} OR ${dynamic}`;
}

const finiteNonNegative = (column: AnyPgColumn): SQL =>
  sql`${column} >= 0 AND ${column} < 'Infinity'::double precision`;

export const roomPlaybackProgress = pgTable(
  "room_playback_progress",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    mediaId: bigint("media_id", { mode: "number" }),
    playlistId: bigint("playlist_id", { mode: "number" }),
    target: jsonb("target").$type<JsonObject>(),
    targetHash: text("target_hash").notNull().default(""),
    position: doublePrecision("position").notNull().default(0),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "room_playback_progress_media_same_room_fk",
      columns: [t.mediaId, t.roomId],
      foreignColumns: [media.id, media.roomId],
    }).onDelete("cascade"),
    foreignKey({
      name: "room_playback_progress_playlist_same_room_fk",
      columns: [t.playlistId, t.roomId],
      foreignColumns: [playlists.id, playlists.roomId],
    }).onDelete("cascade"),
    // One resume position per source; COALESCE because NULLs never collide in a unique index.
    uniqueIndex("room_playback_progress_source_key").on(
      t.roomId,
      sql`COALESCE(${t.mediaId}, 0)`,
      sql`COALESCE(${t.playlistId}, 0)`,
      t.targetHash,
    ),
    // Retention drops progress untouched for 15 days (06 §4.7).
    index("room_playback_progress_updated_idx").on(t.updatedAt),
    check("room_playback_progress_source_shape", sourceShape({ ...columnsOf(t), target: t.target }, false)),
    check("room_playback_progress_target_object", sql`jsonb_typeof(${t.target}) = 'object'`),
    check("room_playback_progress_position_range", finiteNonNegative(t.position)),
    check("room_playback_progress_version_positive", sql`${t.version} >= 1`),
  ],
);

export const roomPlaybackState = pgTable(
  "room_playback_state",
  {
    // Created in the room's transaction; RESTRICT like every content table (06 §2).
    roomId: bigint("room_id", { mode: "number" })
      .primaryKey()
      .references(() => rooms.id, { onDelete: "restrict" }),
    playingMediaId: bigint("playing_media_id", { mode: "number" }),
    playingPlaylistId: bigint("playing_playlist_id", { mode: "number" }),
    target: jsonb("target").$type<JsonObject>(),
    targetHash: text("target_hash").notNull().default(""),
    currentProgressId: bigint("current_progress_id", { mode: "number" }).references(() => roomPlaybackProgress.id, {
      onDelete: "set null",
    }),
    position: doublePrecision("position").notNull().default(0),
    anchorAt: timestamptz("anchor_at").notNull().defaultNow(),
    speed: doublePrecision("speed").notNull().default(1),
    isPlaying: boolean("is_playing").notNull().default(false),
    // Bumped on every source change so stale clients and workers can tell sources apart.
    generation: bigint("generation", { mode: "number" }).notNull().default(0),
    // FK to room_playback_history (room_id, id, created_at) ON DELETE SET NULL (these two columns)
    // lives in the custom migration: the history table is partitioned and hand-written.
    historyCursorId: bigint("history_cursor_id", { mode: "number" }),
    historyCursorCreatedAt: timestamptz("history_cursor_created_at"),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // RESTRICT: deleting the playing item must reset playback first (06 §3.3). Soft deletes do not
    // trip it, so the playlist service resets the state itself (resetPlaybackToNone).
    foreignKey({
      name: "room_playback_state_media_same_room_fk",
      columns: [t.playingMediaId, t.roomId],
      foreignColumns: [media.id, media.roomId],
    }).onDelete("restrict"),
    foreignKey({
      name: "room_playback_state_playlist_same_room_fk",
      columns: [t.playingPlaylistId, t.roomId],
      foreignColumns: [playlists.id, playlists.roomId],
    }).onDelete("restrict"),
    index("room_playback_state_media_idx").on(t.playingMediaId).where(sql`${t.playingMediaId} IS NOT NULL`),
    check(
      "room_playback_state_source_shape",
      sourceShape(
        { media: t.playingMediaId, playlist: t.playingPlaylistId, targetHash: t.targetHash, target: t.target },
        true,
      ),
    ),
    check("room_playback_state_target_object", sql`jsonb_typeof(${t.target}) = 'object'`),
    check(
      "room_playback_state_playing_needs_source",
      sql`NOT ${t.isPlaying} OR ${t.playingMediaId} IS NOT NULL OR ${t.playingPlaylistId} IS NOT NULL`,
    ),
    check("room_playback_state_position_range", finiteNonNegative(t.position)),
    check("room_playback_state_speed_range", sql`${t.speed} BETWEEN 0.25 AND 4.0`),
    check("room_playback_state_generation_non_negative", sql`${t.generation} >= 0`),
    check(
      "room_playback_state_history_cursor_pair",
      sql`(${t.historyCursorId} IS NULL) = (${t.historyCursorCreatedAt} IS NULL)`,
    ),
    check("room_playback_state_version_positive", sql`${t.version} >= 1`),
  ],
);

export const playbackSourceMetadata = pgTable(
  "playback_source_metadata",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    mediaId: bigint("media_id", { mode: "number" }),
    playlistId: bigint("playlist_id", { mode: "number" }),
    targetHash: text("target_hash").notNull().default(""),
    mediaName: varchar("media_name", { length: 500 }),
    playlistName: varchar("playlist_name", { length: 255 }),
    playbackKind: smallint("playback_kind").notNull().default(PlaybackKind.unknown),
    durationSeconds: doublePrecision("duration_seconds"),
    status: smallint("status").notNull().default(SourceMetadataStatus.unknown),
    source: smallint("source"),
    error: text("error"),
    nextRetryAt: timestamptz("next_retry_at"),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "playback_source_metadata_media_same_room_fk",
      columns: [t.mediaId, t.roomId],
      foreignColumns: [media.id, media.roomId],
    }).onDelete("cascade"),
    foreignKey({
      name: "playback_source_metadata_playlist_same_room_fk",
      columns: [t.playlistId, t.roomId],
      foreignColumns: [playlists.id, playlists.roomId],
    }).onDelete("cascade"),
    uniqueIndex("playback_source_metadata_source_key").on(
      t.roomId,
      sql`COALESCE(${t.mediaId}, 0)`,
      sql`COALESCE(${t.playlistId}, 0)`,
      t.targetHash,
    ),
    // The probe worker's queue (06 §4.4): sources still without a duration, by due time.
    index("playback_source_metadata_probe_idx")
      .on(t.status, t.nextRetryAt, t.updatedAt)
      .where(sql`${t.durationSeconds} IS NULL`),
    check("playback_source_metadata_source_shape", sourceShape(columnsOf(t), false)),
    check("playback_source_metadata_playback_kind_range", sql`${t.playbackKind} BETWEEN 0 AND 2`),
    check("playback_source_metadata_status_range", sql`${t.status} BETWEEN 0 AND 4`),
    check("playback_source_metadata_source_range", sql`${t.source} BETWEEN 1 AND 2`),
    check(
      "playback_source_metadata_duration_range",
      sql`${t.durationSeconds} IS NULL OR (${finiteNonNegative(t.durationSeconds)})`,
    ),
    check("playback_source_metadata_version_positive", sql`${t.version} >= 1`),
  ],
);

export const roomOperationIdempotency = pgTable(
  "room_operation_idempotency",
  {
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    // `usr:<id>` or `gst:<guest id>`: guests have no users row, so the actor is a key, not an FK.
    actorKey: varchar("actor_key", { length: 128 }).notNull(),
    // e.g. `play_next`, `seek`: a retried PlayNext must never skip twice (02 §2.8).
    operationKind: varchar("operation_kind", { length: 64 }).notNull(),
    clientOperationId: varchar("client_operation_id", { length: 64 }).notNull(),
    // Optional SHA-256 of the canonical request, for "same key, different request" detection.
    requestHash: text("request_hash"),
    // The first result, returned as-is to duplicates inside the 10-minute window (06 §4.3).
    result: jsonb("result").$type<JsonObject>().notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: "room_operation_idempotency_pkey",
      columns: [t.roomId, t.actorKey, t.operationKind, t.clientOperationId],
    }),
    // Hourly purge of keys older than 10 minutes (06 §4.7).
    index("room_operation_idempotency_created_idx").on(t.createdAt),
    check("room_operation_idempotency_actor_key_not_blank", sql`btrim(${t.actorKey}) <> ''`),
    check("room_operation_idempotency_kind_not_blank", sql`btrim(${t.operationKind}) <> ''`),
    check("room_operation_idempotency_client_id_not_blank", sql`btrim(${t.clientOperationId}) <> ''`),
    check(
      "room_operation_idempotency_request_hash_format",
      sql`${t.requestHash} IS NULL OR ${t.requestHash} ~ ${sql.raw(`'${TARGET_HASH_PATTERN}'`)}`,
    ),
    check("room_operation_idempotency_result_object", sql`jsonb_typeof(${t.result}) = 'object'`),
  ],
);

function columnsOf(t: { mediaId: AnyPgColumn; playlistId: AnyPgColumn; targetHash: AnyPgColumn }): SourceColumns {
  return { media: t.mediaId, playlist: t.playlistId, targetHash: t.targetHash };
}
