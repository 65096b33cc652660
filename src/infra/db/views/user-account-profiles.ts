// Typing for the `user_account_profiles` view (spec 06 §3.1), created by the hand-written migration
// 0004. It lives outside src/infra/db/schema/ so drizzle-kit never tries to generate or drop it.
import { bigint, boolean, pgView, smallint, text, varchar } from "drizzle-orm/pg-core";
import { timestamptz } from "../schema/users.js";

/** `user_account_profiles.status`: 1 active, 2 banned. Deletion is read from `deleted_at`. */
export const ProfileStatus = { active: 1, banned: 2 } as const;
export type ProfileStatus = (typeof ProfileStatus)[keyof typeof ProfileStatus];

export const userAccountProfiles = pgView("user_account_profiles", {
  id: bigint("id", { mode: "number" }).notNull(),
  username: varchar("username", { length: 50 }).notNull(),
  signupMethod: smallint("signup_method").notNull(),
  role: smallint("role").notNull(),
  avatarFileReferenceId: bigint("avatar_file_reference_id", { mode: "number" }),
  version: bigint("version", { mode: "number" }).notNull(),
  createdAt: timestamptz("created_at").notNull(),
  updatedAt: timestamptz("updated_at").notNull(),
  deletedAt: timestamptz("deleted_at"),
  deletionSource: smallint("deletion_source"),
  deletedBy: bigint("deleted_by", { mode: "number" }),
  deletionReason: text("deletion_reason"),
  restoredAt: timestamptz("restored_at"),
  restoredBy: bigint("restored_by", { mode: "number" }),
  status: smallint("status").notNull(),
  isBanned: boolean("is_banned").notNull(),
  banId: bigint("ban_id", { mode: "number" }),
  bannedAt: timestamptz("banned_at"),
  banEndsAt: timestamptz("ban_ends_at"),
  bannedBy: bigint("banned_by", { mode: "number" }),
  banReason: text("ban_reason"),
}).existing();
