// Rooms and membership (spec 06 §3.2, 04): rooms, their settings document, members and membership
// versions, kick cooldowns, join reviews, room bans and the room password's OPAQUE record.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
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
import { opaqueAllOrNone, opaqueColumns, timestamptz, users } from "./users.js";

/** `room_members.role` and `room_join_requests.requested_role`: append-only; guests have no rows (04 §1). */
export const RoomMemberRole = { creator: 1, admin: 2, member: 3 } as const;
export type RoomMemberRole = (typeof RoomMemberRole)[keyof typeof RoomMemberRole];

/** `room_join_requests.status`: append-only. */
export const JoinRequestStatus = { pending: 1, approved: 2, rejected: 3 } as const;
export type JoinRequestStatus = (typeof JoinRequestStatus)[keyof typeof JoinRequestStatus];

export const rooms = pgTable(
  "rooms",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    name: varchar("name", { length: 100 }).notNull(),
    description: varchar("description", { length: 500 }).notNull().default(""),
    // RESTRICT: rooms go away through the lifecycle service, never as a side effect (06 §2).
    createdBy: bigint("created_by", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    // FKs to room_categories and file_references arrive with those P2 tables (ON DELETE SET NULL).
    categoryId: bigint("category_id", { mode: "number" }),
    coverFileReferenceId: bigint("cover_file_reference_id", { mode: "number" }),
    isPublic: boolean("is_public").notNull().default(true),
    closedAt: timestamptz("closed_at"),
    lastActivityAt: timestamptz("last_activity_at").notNull().defaultNow(),
    // Source of truth for guest revocation: tokens carry it as `gv` and must equal it (04 §6, 05 §3.6).
    guestVersion: bigint("guest_version", { mode: "number" }).notNull().default(1),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    deletionSource: smallint("deletion_source"),
    deletedBy: bigint("deleted_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    // Set when the owner's account deletion hid the room, so restoring the account brings it back.
    deletedOwnerId: bigint("deleted_owner_id", { mode: "number" }).references(() => users.id, {
      onDelete: "cascade",
    }),
  },
  (t) => [
    uniqueIndex("rooms_creator_name_live_key").on(t.createdBy, t.name).where(sql`${t.deletedAt} IS NULL`),
    index("rooms_public_feed_idx")
      .on(t.lastActivityAt.desc(), t.id.desc())
      .where(sql`${t.deletedAt} IS NULL AND ${t.isPublic}`),
    index("rooms_creator_created_idx").on(t.createdBy, t.createdAt.desc()).where(sql`${t.deletedAt} IS NULL`),
    index("rooms_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")).where(sql`${t.deletedAt} IS NULL`),
    index("rooms_description_trgm_idx")
      .using("gin", t.description.op("gin_trgm_ops"))
      .where(sql`${t.deletedAt} IS NULL`),
    check("rooms_name_not_blank", sql`btrim(${t.name}) <> ''`),
    check("rooms_guest_version_positive", sql`${t.guestVersion} >= 1`),
    check("rooms_version_positive", sql`${t.version} >= 1`),
    check("rooms_deletion_source_range", sql`${t.deletionSource} BETWEEN 1 AND 5`),
    check("rooms_deletion_consistent", sql`(${t.deletedAt} IS NULL) = (${t.deletionSource} IS NULL)`),
  ],
);

export const roomSettings = pgTable(
  "room_settings",
  {
    roomId: bigint("room_id", { mode: "number" })
      .primaryKey()
      .references(() => rooms.id, { onDelete: "cascade" }),
    // camelCase keys of RoomSettings; absent keys mean the defaults of 04 §3.
    settings: jsonb("settings").$type<JsonObject>().notNull().default({}),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("room_settings_settings_object", sql`jsonb_typeof(${t.settings}) = 'object'`),
    check("room_settings_version_positive", sql`${t.version} >= 1`),
  ],
);

export const roomMembers = pgTable(
  "room_members",
  {
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: smallint("role").notNull().default(RoomMemberRole.member),
    // Permission masks reach bit 35: bigint mode, because JS bitwise operators on numbers are 32-bit.
    addedPermissions: bigint("added_permissions", { mode: "bigint" }).notNull().default(sql`0`),
    removedPermissions: bigint("removed_permissions", { mode: "bigint" }).notNull().default(sql`0`),
    adminAddedPermissions: bigint("admin_added_permissions", { mode: "bigint" }).notNull().default(sql`0`),
    adminRemovedPermissions: bigint("admin_removed_permissions", { mode: "bigint" }).notNull().default(sql`0`),
    remarkName: varchar("remark_name", { length: 64 }),
    displayTag: varchar("display_tag", { length: 16 }),
    joinedAt: timestamptz("joined_at").notNull().defaultNow(),
    lastVisitedAt: timestamptz("last_visited_at"),
    lastCountedVisitAt: timestamptz("last_counted_visit_at"),
    visitCount: bigint("visit_count", { mode: "number" }).notNull().default(0),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "room_members_pkey", columns: [t.roomId, t.userId] }),
    // Exactly one creator per room; ownership transfer demotes before it promotes (04 §8).
    uniqueIndex("room_members_one_creator_key").on(t.roomId).where(sql`${t.role} = 1`),
    index("room_members_user_rooms_idx").on(t.userId, t.roomId, t.role, t.joinedAt.desc()),
    index("room_members_room_role_idx").on(t.roomId, t.role),
    index("room_members_user_visits_idx").on(t.userId, t.visitCount.desc(), t.lastVisitedAt.desc()),
    check("room_members_role_range", sql`${t.role} BETWEEN 1 AND 3`),
    check(
      "room_members_permissions_non_negative",
      sql`${t.addedPermissions} >= 0 AND ${t.removedPermissions} >= 0 AND ${t.adminAddedPermissions} >= 0 AND ${t.adminRemovedPermissions} >= 0`,
    ),
    check("room_members_visit_count_non_negative", sql`${t.visitCount} >= 0`),
    check("room_members_version_positive", sql`${t.version} >= 1`),
  ],
);

export const roomMemberVersions = pgTable(
  "room_member_versions",
  {
    // No FK to room_members: the row outlives the membership so a rejoin continues the count (04 §9.6).
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    isMember: boolean("is_member").notNull(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "room_member_versions_pkey", columns: [t.roomId, t.userId] }),
    check("room_member_versions_version_positive", sql`${t.version} >= 1`),
  ],
);

export const roomMemberKickCooldowns = pgTable(
  "room_member_kick_cooldowns",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kickedBy: bigint("kicked_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    startsAt: timestamptz("starts_at").notNull().defaultNow(),
    endsAt: timestamptz("ends_at").notNull(),
    reason: text("reason").notNull().default(""),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("room_member_kick_cooldowns_lookup_idx").on(t.roomId, t.userId, t.endsAt),
    // kick_cooldown_seconds is 1–2 592 000 (04 §7.5).
    check(
      "room_member_kick_cooldowns_window",
      sql`${t.endsAt} >= ${t.startsAt} + interval '1 second' AND ${t.endsAt} <= ${t.startsAt} + interval '30 days'`,
    ),
  ],
);

export const roomJoinRequests = pgTable(
  "room_join_requests",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    requestedRole: smallint("requested_role").notNull().default(RoomMemberRole.member),
    status: smallint("status").notNull().default(JoinRequestStatus.pending),
    reviewedAt: timestamptz("reviewed_at"),
    reviewedBy: bigint("reviewed_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    rejectionReason: varchar("rejection_reason", { length: 500 }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    // At most one pending review per (room, user); a repeated JoinRoom returns it (04 §7.3).
    uniqueIndex("room_join_requests_pending_key").on(t.roomId, t.userId).where(sql`${t.reviewedAt} IS NULL`),
    index("room_join_requests_room_pending_idx").on(t.roomId, t.createdAt).where(sql`${t.reviewedAt} IS NULL`),
    // Only MEMBER or ADMIN can be requested; the creator role is never granted by review.
    check("room_join_requests_requested_role_range", sql`${t.requestedRole} BETWEEN 2 AND 3`),
    check("room_join_requests_status_range", sql`${t.status} BETWEEN 1 AND 3`),
    check("room_join_requests_pending_unreviewed", sql`(${t.status} = 1) = (${t.reviewedAt} IS NULL)`),
    check(
      "room_join_requests_rejection_reason",
      sql`${t.rejectionReason} IS NULL OR (${t.status} = 3 AND btrim(${t.rejectionReason}) <> '')`,
    ),
  ],
);

export const roomBans = pgTable(
  "room_bans",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    // RESTRICT, as user_bans: a moderation record is removed explicitly by the purge (06 §4.8).
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "restrict" }),
    bannedBy: bigint("banned_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    startsAt: timestamptz("starts_at").notNull().defaultNow(),
    endsAt: timestamptz("ends_at"),
    revokedAt: timestamptz("revoked_at"),
    revokedBy: bigint("revoked_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("room_bans_room_starts_idx").on(t.roomId, t.startsAt.desc()),
    check("room_bans_window", sql`${t.endsAt} IS NULL OR ${t.endsAt} > ${t.startsAt}`),
    check("room_bans_revoker_needs_revocation", sql`${t.revokedBy} IS NULL OR ${t.revokedAt} IS NOT NULL`),
  ],
);

export const roomPasswordCredentials = pgTable(
  "room_password_credentials",
  {
    roomId: bigint("room_id", { mode: "number" })
      .primaryKey()
      .references(() => rooms.id, { onDelete: "cascade" }),
    ...opaqueColumns(),
    enabled: boolean("enabled").notNull().default(false),
    changedAt: timestamptz("changed_at").notNull().defaultNow(),
    // Bumped by every set or clear; an OPAQUE login started on an older version fails (04 §4).
    passwordVersion: bigint("password_version", { mode: "number" }).notNull().default(1),
  },
  (t) => [
    check("room_password_credentials_opaque_all_or_none", opaqueAllOrNone(t)),
    check("room_password_credentials_setup_version_positive", sql`${t.opaqueServerSetupVersion} > 0`),
    check("room_password_credentials_enabled_has_material", sql`NOT ${t.enabled} OR ${t.opaqueRecord} IS NOT NULL`),
    check("room_password_credentials_version_positive", sql`${t.passwordVersion} >= 1`),
  ],
);
