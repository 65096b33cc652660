// An account's preferences (spec 06 `user_preferences`): six notification toggles and a bounded JSON
// object of client settings. Reads fall back to the defaults when no row exists; updates upsert.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db/database-port.js";
import { type JsonObject, userPreferences } from "../../infra/db/schema/index.js";
import { type FieldViolation, invalidArgument, notFound } from "../errors.js";
import { findUserById } from "./user-repository.js";

export type NotificationToggle =
  | "notifyInvitationInApp"
  | "notifyRoomEventInApp"
  | "notifyAnnouncementInApp"
  | "notifyInvitationEmail"
  | "notifyRoomEventEmail"
  | "notifyAnnouncementEmail";

export type UserPreferences = Record<NotificationToggle, boolean> & {
  /** Read-only here: only the account owner turns it on or off (SetTwoFactorEnabled, P2). */
  twoFactorEnabled: boolean;
  /** Client preferences; never secrets. */
  settings: JsonObject;
  /** Milliseconds since the epoch of the last change; null = no stored row (the defaults). */
  updatedAt: number | null;
};

/** The writable fields; `paths` of an update say which apply (masked but absent = default). */
export type UserPreferencesPatch = Partial<Pick<UserPreferences, NotificationToggle | "settings">>;

/** The column defaults of 06, for accounts that have no row yet. */
export const DEFAULT_USER_PREFERENCES: Readonly<UserPreferences> = Object.freeze({
  twoFactorEnabled: false,
  notifyInvitationInApp: true,
  notifyRoomEventInApp: true,
  notifyAnnouncementInApp: true,
  notifyInvitationEmail: false,
  notifyRoomEventEmail: false,
  notifyAnnouncementEmail: true,
  settings: Object.freeze({}) as JsonObject,
  updatedAt: null,
});

/** Serialized (UTF-8 JSON) size and nesting bounds of `settings`: client UI state, not storage. */
export const SETTINGS_MAX_BYTES = 16 * 1024;
export const SETTINGS_MAX_DEPTH = 8;

/** Update-mask paths (the wire's snake_case names) → the field they write. */
const TOGGLE_PATHS: Readonly<Record<string, NotificationToggle>> = {
  notify_invitation_in_app: "notifyInvitationInApp",
  notify_room_event_in_app: "notifyRoomEventInApp",
  notify_announcement_in_app: "notifyAnnouncementInApp",
  notify_invitation_email: "notifyInvitationEmail",
  notify_room_event_email: "notifyRoomEventEmail",
  notify_announcement_email: "notifyAnnouncementEmail",
};

const maskViolation = (description: string): FieldViolation => ({ field: "update_mask", rule: "paths", description });

export class AccountPreferences {
  constructor(private readonly deps: { database: Pick<Database, "db" | "tx"> }) {}

  /** The stored preferences, or the defaults when the account has none; unknown accounts are NOT_FOUND. */
  async get(userId: number): Promise<UserPreferences> {
    const db = this.deps.database.db;
    if ((await findUserById(db, userId)) === null) throw notFound("User not found");
    const [row] = await db.select().from(userPreferences).where(eq(userPreferences.userId, userId));
    return row === undefined ? { ...DEFAULT_USER_PREFERENCES, settings: {} } : fromRow(row);
  }

  /**
   * Writes the masked fields (the others keep their stored or default values) in one upsert.
   * Deleted accounts are NOT_FOUND, like every other write to an account.
   */
  async update(userId: number, patch: UserPreferencesPatch, paths: readonly string[]): Promise<UserPreferences> {
    const changes = changesOf(patch, paths);
    return this.deps.database.tx(async (tx) => {
      const account = await findUserById(tx, userId);
      if (account === null || account.status === "DELETED") throw notFound("User not found");
      const [row] = await tx
        .insert(userPreferences)
        .values({ userId, ...changes })
        .onConflictDoUpdate({ target: userPreferences.userId, set: { ...changes, updatedAt: sql`now()` } })
        .returning();
      if (row === undefined) throw new Error("user_preferences upsert returned no row");
      return fromRow(row);
    });
  }
}

/** Validates the mask and the patch; returns the column values to write. */
function changesOf(patch: UserPreferencesPatch, paths: readonly string[]): UserPreferencesPatch {
  if (paths.length === 0) {
    throw invalidArgument("update_mask must name at least one path", { fieldViolations: [maskViolation("empty")] });
  }
  const changes: UserPreferencesPatch = {};
  for (const path of new Set(paths)) {
    const toggle = TOGGLE_PATHS[path];
    if (toggle !== undefined) {
      changes[toggle] = patch[toggle] ?? DEFAULT_USER_PREFERENCES[toggle];
    } else if (path === "settings") {
      // Not `??`: a null object is refused below, not taken for "reset".
      changes.settings = patch.settings === undefined ? {} : patch.settings;
    } else if (path === "two_factor_enabled") {
      throw invalidArgument(
        "two_factor_enabled is read-only: only the account owner turns two-factor sign-in on or off",
        { fieldViolations: [{ field: "update_mask", rule: "read_only", description: "two_factor_enabled" }] },
      );
    } else {
      throw invalidArgument(`Unknown update_mask path "${path}"`, {
        fieldViolations: [maskViolation(`unknown path ${path}`)],
      });
    }
  }
  if (changes.settings !== undefined) {
    const problem = settingsProblem(changes.settings);
    if (problem !== null) {
      throw invalidArgument(`settings ${problem}`, {
        fieldViolations: [{ field: "settings", rule: "json_object", description: problem }],
      });
    }
  }
  return changes;
}

/**
 * Why `settings` cannot be stored, or null: a plain JSON object (only JSON value types, finite
 * numbers, no NUL characters, which jsonb refuses), nested at most SETTINGS_MAX_DEPTH deep and at
 * most SETTINGS_MAX_BYTES serialized.
 */
export function settingsProblem(settings: unknown): string | null {
  if (!isPlainObject(settings)) return "must be a JSON object";
  const walk = (value: unknown, depth: number): string | null => {
    if (value === null || typeof value === "boolean") return null;
    if (typeof value === "number") return Number.isFinite(value) ? null : "must hold finite numbers only";
    if (typeof value === "string") return value.includes("\u0000") ? "must not contain NUL characters" : null;
    if (depth >= SETTINGS_MAX_DEPTH) return `must nest at most ${SETTINGS_MAX_DEPTH} levels deep`;
    if (Array.isArray(value)) {
      for (const item of value) {
        const problem = walk(item, depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    if (!isPlainObject(value)) return "must hold JSON values only";
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("\u0000")) return "must not contain NUL characters";
      const problem = walk(item, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  };
  const problem = walk(settings, 0);
  if (problem !== null) return problem;
  const bytes = Buffer.byteLength(JSON.stringify(settings), "utf8");
  return bytes > SETTINGS_MAX_BYTES ? `must be at most ${SETTINGS_MAX_BYTES} bytes as JSON (got ${bytes})` : null;
}

function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fromRow(row: typeof userPreferences.$inferSelect): UserPreferences {
  return {
    twoFactorEnabled: row.twoFactorEnabled,
    notifyInvitationInApp: row.notifyInvitationInApp,
    notifyRoomEventInApp: row.notifyRoomEventInApp,
    notifyAnnouncementInApp: row.notifyAnnouncementInApp,
    notifyInvitationEmail: row.notifyInvitationEmail,
    notifyRoomEventEmail: row.notifyRoomEventEmail,
    notifyAnnouncementEmail: row.notifyAnnouncementEmail,
    settings: row.settings,
    updatedAt: row.updatedAt.getTime(),
  };
}
