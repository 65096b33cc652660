// The room library (spec 06 §3.3, 07 §1): a tree of playlists (folders, or dynamic provider views in
// P2) and media items, ordered by fractional positions within a scope (a parent playlist or the root).
import { type SQL, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  check,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  unique,
  varchar,
} from "drizzle-orm/pg-core";
import type { JsonObject } from "./events.js";
import { rooms } from "./rooms.js";
import { timestamptz, users } from "./users.js";

/** `source_provider`: the values of the proto `SourceProvider` enum, append-only (07 §11). */
export const SourceProvider = {
  directUrl: 1,
  alist: 2,
  emby: 3,
  rtmp: 4,
  liveProxy: 5,
  bilibili: 20,
  youtube: 21,
  twitch: 22,
  douyin: 23,
  tiktok: 24,
  huya: 25,
  douyu: 26,
  acfun: 27,
  cctv: 28,
  cloudreve: 40,
  fnos: 41,
  qnap: 42,
  synology: 43,
  nextcloud: 44,
  seafile: 45,
  truenas: 46,
} as const;
export type SourceProvider = (typeof SourceProvider)[keyof typeof SourceProvider];

/** `playlists.browse_access_mode` (06 §3.3); the proto enum is shifted by one (0 is UNSPECIFIED there). */
export const BrowseAccessMode = { default: 0, roomMembers: 1, creatorOnly: 2 } as const;
export type BrowseAccessMode = (typeof BrowseAccessMode)[keyof typeof BrowseAccessMode];

/** `deletion_source` of library rows (06 §2). */
export const LibraryDeletionSource = { account: 1, admin: 2, system: 3, room: 4, user: 5 } as const;

/** The three bands of `SourceProvider`; the CHECK follows them so a new value needs one migration. */
export function sourceProviderInRange(column: AnyPgColumn): SQL {
  return sql`(${column} BETWEEN 1 AND 5 OR ${column} BETWEEN 20 AND 28 OR ${column} BETWEEN 40 AND 46)`;
}

/** Positions are finite and non-negative: midpoints of neighbours and 0 stay inside the range. */
export function positionInRange(column: AnyPgColumn): SQL {
  // NaN sorts above Infinity in PostgreSQL, so `< 'Infinity'` also rejects NaN.
  return sql`${column} >= 0 AND ${column} < 'Infinity'::double precision`;
}

export const playlists = pgTable(
  "playlists",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    // RESTRICT: content goes away through the room lifecycle, never as a side effect (06 §2).
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "restrict" }),
    creatorId: bigint("creator_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    name: varchar("name", { length: 255 }).notNull(),
    description: text("description").notNull().default(""),
    // FK to file_references arrives with the files tables (P2, ON DELETE SET NULL).
    coverFileReferenceId: bigint("cover_file_reference_id", { mode: "number" }),
    // Null = top level. The same-room FK below keeps a parent inside the room.
    parentId: bigint("parent_id", { mode: "number" }),
    position: doublePrecision("position").notNull(),
    // Both set = a dynamic playlist (P2); both null = a static folder.
    sourceProvider: smallint("source_provider"),
    sourceConfig: jsonb("source_config").$type<JsonObject>(),
    // FK to provider instances arrives in P2.
    providerInstanceName: varchar("provider_instance_name", { length: 64 }),
    browseAccessMode: smallint("browse_access_mode").notNull().default(BrowseAccessMode.default),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    deletionSource: smallint("deletion_source"),
    deletedBy: bigint("deleted_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    deletedOwnerId: bigint("deleted_owner_id", { mode: "number" }).references(() => users.id, {
      onDelete: "cascade",
    }),
  },
  (t) => [
    // Children reference (id, room_id) so no row can point into another room (06 §2).
    unique("playlists_id_room_key").on(t.id, t.roomId),
    foreignKey({
      name: "playlists_parent_same_room_fk",
      columns: [t.parentId, t.roomId],
      foreignColumns: [t.id, t.roomId],
    }).onDelete("restrict"),
    index("playlists_scope_order_idx").on(t.roomId, t.parentId, t.position, t.id).where(sql`${t.deletedAt} IS NULL`),
    index("playlists_creator_idx").on(t.creatorId).where(sql`${t.deletedAt} IS NULL`),
    index("playlists_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")).where(sql`${t.deletedAt} IS NULL`),
    check("playlists_name_not_blank", sql`btrim(${t.name}) <> ''`),
    check("playlists_parent_not_self", sql`${t.parentId} IS NULL OR ${t.parentId} <> ${t.id}`),
    check("playlists_position_range", positionInRange(t.position)),
    check("playlists_source_both_or_neither", sql`(${t.sourceProvider} IS NULL) = (${t.sourceConfig} IS NULL)`),
    check("playlists_source_provider_range", sourceProviderInRange(t.sourceProvider)),
    check("playlists_source_config_object", sql`jsonb_typeof(${t.sourceConfig}) = 'object'`),
    check(
      "playlists_instance_needs_provider",
      sql`${t.providerInstanceName} IS NULL OR ${t.sourceProvider} IS NOT NULL`,
    ),
    check("playlists_browse_access_mode_range", sql`${t.browseAccessMode} BETWEEN 0 AND 2`),
    check("playlists_version_positive", sql`${t.version} >= 1`),
    check("playlists_deletion_source_range", sql`${t.deletionSource} BETWEEN 1 AND 5`),
    check("playlists_deletion_consistent", sql`(${t.deletedAt} IS NULL) = (${t.deletionSource} IS NULL)`),
  ],
);

export const media = pgTable(
  "media",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "restrict" }),
    // Null = the room root scope.
    playlistId: bigint("playlist_id", { mode: "number" }),
    creatorId: bigint("creator_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    name: varchar("name", { length: 500 }).notNull(),
    description: text("description").notNull().default(""),
    position: doublePrecision("position").notNull(),
    sourceProvider: smallint("source_provider").notNull(),
    // camelCase, tagged by provider, parsed by the provider's schema on every write and read (07 §1).
    // Returned only to the item's creator: it may carry upstream headers.
    sourceConfig: jsonb("source_config").$type<JsonObject>().notNull(),
    providerInstanceName: varchar("provider_instance_name", { length: 64 }),
    coverFileReferenceId: bigint("cover_file_reference_id", { mode: "number" }),
    thumbnailFileReferenceId: bigint("thumbnail_file_reference_id", { mode: "number" }),
    addedAt: timestamptz("added_at").notNull().defaultNow(),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    deletionSource: smallint("deletion_source"),
    deletedBy: bigint("deleted_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    deletedOwnerId: bigint("deleted_owner_id", { mode: "number" }).references(() => users.id, {
      onDelete: "cascade",
    }),
  },
  (t) => [
    unique("media_id_room_key").on(t.id, t.roomId),
    foreignKey({
      name: "media_playlist_same_room_fk",
      columns: [t.playlistId, t.roomId],
      foreignColumns: [playlists.id, playlists.roomId],
    }).onDelete("restrict"),
    // Covering the listing of a scope: order plus what a list row shows without a heap visit.
    index("media_playlist_order_idx")
      .on(t.playlistId, t.position, t.id, t.sourceProvider, t.name)
      .where(sql`${t.deletedAt} IS NULL AND ${t.playlistId} IS NOT NULL`),
    index("media_root_order_idx")
      .on(t.roomId, t.position, t.id, t.sourceProvider, t.name)
      .where(sql`${t.deletedAt} IS NULL AND ${t.playlistId} IS NULL`),
    index("media_creator_idx").on(t.creatorId).where(sql`${t.deletedAt} IS NULL`),
    index("media_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")).where(sql`${t.deletedAt} IS NULL`),
    check("media_name_not_blank", sql`btrim(${t.name}) <> ''`),
    check("media_position_range", positionInRange(t.position)),
    check("media_source_provider_range", sourceProviderInRange(t.sourceProvider)),
    check("media_source_config_object", sql`jsonb_typeof(${t.sourceConfig}) = 'object'`),
    check("media_version_positive", sql`${t.version} >= 1`),
    check("media_deletion_source_range", sql`${t.deletionSource} BETWEEN 1 AND 5`),
    check("media_deletion_consistent", sql`(${t.deletedAt} IS NULL) = (${t.deletionSource} IS NULL)`),
  ],
);
