// Users and P1 authentication storage (spec 06 §3.1, 05 §1–3): accounts, bans, OPAQUE password
// records, the token blacklist, email identities and preferences. Passwords themselves are never stored.
import { type SQL, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import type { JsonObject } from "./events.js";

/** `users.role`: append-only (05 §1). Lower is more powerful. */
export const UserRole = { root: 1, admin: 2, user: 3 } as const;
export type UserRole = (typeof UserRole)[keyof typeof UserRole];

/** `users.signup_method`: how the account came to exist; append-only. */
export const SignupMethod = { password: 1, email: 2, oauth2: 3, webauthn: 4, admin: 5, bootstrap: 6 } as const;
export type SignupMethod = (typeof SignupMethod)[keyof typeof SignupMethod];

/** `deletion_source` of every soft-deletable table (06 §2): append-only. */
export const DeletionSource = { account: 1, admin: 2, system: 3, room: 4, user: 5 } as const;
export type DeletionSource = (typeof DeletionSource)[keyof typeof DeletionSource];

/** Every timestamp is timestamptz(3): milliseconds round-trip exactly through JS `Date` (06 §2). */
export const timestamptz = (name: string) => timestamp(name, { precision: 3, withTimezone: true });

/**
 * Raw bytes. drizzle-orm has no bytea builder; postgres.js hands back a Buffer and PGlite a
 * Uint8Array, so reads are normalised to a plain Uint8Array for identical behaviour on both engines.
 */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * The OPAQUE registration columns shared by account and room password credentials. Nullable as a
 * group; `opaqueAllOrNone` keeps them consistent.
 */
export const opaqueColumns = () => ({
  opaqueRecord: bytea("opaque_record"),
  opaqueCredentialIdentifier: bytea("opaque_credential_identifier"),
  opaqueCiphersuite: varchar("opaque_ciphersuite", { length: 64 }),
  opaqueServerSetupVersion: integer("opaque_server_setup_version"),
});

type OpaqueColumns = {
  opaqueRecord: AnyPgColumn;
  opaqueCredentialIdentifier: AnyPgColumn;
  opaqueCiphersuite: AnyPgColumn;
  opaqueServerSetupVersion: AnyPgColumn;
};

/** A half-written OPAQUE group would make a login fail in confusing ways, so the row is refused. */
export function opaqueAllOrNone(t: OpaqueColumns): SQL {
  // Explicit IS NOT NULL tests: a CHECK whose expression is NULL passes, so octet_length(NULL) > 0
  // alone would let a partly-null group through.
  const absent = sql`${t.opaqueRecord} IS NULL AND ${t.opaqueCredentialIdentifier} IS NULL AND ${t.opaqueCiphersuite} IS NULL AND ${t.opaqueServerSetupVersion} IS NULL`;
  const present = sql`${t.opaqueRecord} IS NOT NULL AND ${t.opaqueCredentialIdentifier} IS NOT NULL AND ${t.opaqueCiphersuite} IS NOT NULL AND ${t.opaqueServerSetupVersion} IS NOT NULL AND octet_length(${t.opaqueRecord}) > 0 AND octet_length(${t.opaqueCredentialIdentifier}) > 0 AND btrim(${t.opaqueCiphersuite}) <> ''`;
  return sql`(${absent}) OR (${present})`;
}

export const users = pgTable(
  "users",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    username: varchar("username", { length: 50 }).notNull(),
    signupMethod: smallint("signup_method").notNull(),
    role: smallint("role").notNull().default(UserRole.user),
    // FK to file_references arrives with the files tables (P2, ON DELETE SET NULL).
    avatarFileReferenceId: bigint("avatar_file_reference_id", { mode: "number" }),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    deletionSource: smallint("deletion_source"),
    deletedBy: bigint("deleted_by", { mode: "number" }).references((): AnyPgColumn => users.id, {
      onDelete: "set null",
    }),
    deletionReason: text("deletion_reason"),
    restoredAt: timestamptz("restored_at"),
    restoredBy: bigint("restored_by", { mode: "number" }).references((): AnyPgColumn => users.id, {
      onDelete: "set null",
    }),
  },
  (t) => [
    // Case-insensitive uniqueness among live accounts only: deleting a user frees the name (06 §2).
    uniqueIndex("users_username_live_key").on(sql`lower(${t.username})`).where(sql`${t.deletedAt} IS NULL`),
    index("users_username_trgm_idx").using("gin", t.username.op("gin_trgm_ops")).where(sql`${t.deletedAt} IS NULL`),
    index("users_role_idx").on(t.role),
    check("users_username_format", sql`${t.username} ~ '^[A-Za-z0-9_-]{3,50}$'`),
    check("users_role_range", sql`${t.role} BETWEEN 1 AND 3`),
    check("users_signup_method_range", sql`${t.signupMethod} BETWEEN 1 AND 6`),
    check("users_version_positive", sql`${t.version} >= 1`),
    check("users_deletion_source_range", sql`${t.deletionSource} BETWEEN 1 AND 5`),
    check("users_deletion_consistent", sql`(${t.deletedAt} IS NULL) = (${t.deletionSource} IS NULL)`),
  ],
);

export const userBans = pgTable(
  "user_bans",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    // RESTRICT: a ban is a moderation record; purge removes it explicitly before the user (06 §4.8).
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    bannedBy: bigint("banned_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    startsAt: timestamptz("starts_at").notNull().defaultNow(),
    endsAt: timestamptz("ends_at"),
    revokedAt: timestamptz("revoked_at"),
    revokedBy: bigint("revoked_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("user_bans_user_starts_idx").on(t.userId, t.startsAt.desc()),
    check("user_bans_window", sql`${t.endsAt} IS NULL OR ${t.endsAt} > ${t.startsAt}`),
    check("user_bans_revoker_needs_revocation", sql`${t.revokedBy} IS NULL OR ${t.revokedAt} IS NOT NULL`),
  ],
);

export const authPasswordCredentials = pgTable(
  "auth_password_credentials",
  {
    userId: bigint("user_id", { mode: "number" })
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    ...opaqueColumns(),
    changedAt: timestamptz("changed_at").notNull().defaultNow(),
    // Tokens carry it as `pv`: a password change bumps it and so kills older sessions (05 §3.7).
    version: bigint("version", { mode: "number" }).notNull().default(1),
  },
  (t) => [
    check("auth_password_credentials_opaque_all_or_none", opaqueAllOrNone(t)),
    check("auth_password_credentials_setup_version_positive", sql`${t.opaqueServerSetupVersion} > 0`),
    check("auth_password_credentials_version_positive", sql`${t.version} >= 1`),
  ],
);

export const authTokenBlacklist = pgTable(
  "auth_token_blacklist",
  {
    // A namespaced key (05 §3.8): `access:<jti>`, `refresh:<jti>`, `guest:<jti>`, `family:<uid>:<sid>`.
    jti: text("jti").primaryKey(),
    expiresAt: timestamptz("expires_at").notNull(),
    familyRevokedAt: timestamptz("family_revoked_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("auth_token_blacklist_expires_idx").on(t.expiresAt),
    check("auth_token_blacklist_key_namespaced", sql`${t.jti} ~ '^[a-z]+:.+$'`),
  ],
);

export const authEmailIdentities = pgTable(
  "auth_email_identities",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .unique("auth_email_identities_user_key")
      .references(() => users.id, { onDelete: "cascade" }),
    email: varchar("email", { length: 255 }).notNull(),
    // Verification is P2; until then every identity is unverified.
    verifiedAt: timestamptz("verified_at"),
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
    uniqueIndex("auth_email_identities_email_live_key").on(sql`lower(${t.email})`).where(sql`${t.deletedAt} IS NULL`),
    index("auth_email_identities_email_trgm_idx")
      .using("gin", t.email.op("gin_trgm_ops"))
      .where(sql`${t.deletedAt} IS NULL`),
    check("auth_email_identities_email_not_blank", sql`btrim(${t.email}) <> ''`),
    check("auth_email_identities_deletion_source_range", sql`${t.deletionSource} BETWEEN 1 AND 5`),
    check("auth_email_identities_deletion_consistent", sql`(${t.deletedAt} IS NULL) = (${t.deletionSource} IS NULL)`),
  ],
);

export const userPreferences = pgTable(
  "user_preferences",
  {
    userId: bigint("user_id", { mode: "number" })
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    twoFactorEnabled: boolean("two_factor_enabled").notNull().default(false),
    notifyInvitationInApp: boolean("notify_invitation_in_app").notNull().default(true),
    notifyRoomEventInApp: boolean("notify_room_event_in_app").notNull().default(true),
    notifyAnnouncementInApp: boolean("notify_announcement_in_app").notNull().default(true),
    notifyInvitationEmail: boolean("notify_invitation_email").notNull().default(false),
    notifyRoomEventEmail: boolean("notify_room_event_email").notNull().default(false),
    notifyAnnouncementEmail: boolean("notify_announcement_email").notNull().default(true),
    // Client preferences only; never secrets (06 §2).
    settings: jsonb("settings").$type<JsonObject>().notNull().default({}),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [check("user_preferences_settings_object", sql`jsonb_typeof(${t.settings}) = 'object'`)],
);
