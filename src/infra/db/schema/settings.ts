// Runtime settings (spec 06 §3.6, 08 §5): one row per lowerCamel key, seeded by a migration, plus the
// single-row generation counter that every settings update bumps.
import { sql } from "drizzle-orm";
import { bigint, check, jsonb, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Stored shape of `settings.value`: the setting's JSON value wrapped as `{"v": value}`, so the
 * column can keep the project-wide "JSONB is an object" CHECK while values are scalars, arrays or null.
 */
export interface SettingValueEnvelope<T = unknown> {
  v: T;
}

export const settings = pgTable(
  "settings",
  {
    key: text("key").primaryKey(),
    value: jsonb("value").$type<SettingValueEnvelope>().notNull(),
    updatedAt: timestamp("updated_at", { precision: 3, withTimezone: true }).notNull().defaultNow(),
    // FK to users arrives with the users table.
    updatedBy: bigint("updated_by", { mode: "number" }),
  },
  (t) => [
    check("settings_value_object", sql`jsonb_typeof(${t.value}) = 'object'`),
    check("settings_key_format", sql`${t.key} ~ '^[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)+$'`),
  ],
);

export const settingsGeneration = pgTable(
  "settings_generation",
  {
    id: smallint("id").primaryKey().default(1),
    /** Bumped by every settings update; snapshots compare it. */
    generation: bigint("generation", { mode: "number" }).notNull().default(1),
    /** Bumped whenever `user.enableGuest` turns off: guest tokens of an older epoch die (04 §6). */
    guestEpoch: bigint("guest_epoch", { mode: "number" }).notNull().default(1),
    updatedAt: timestamp("updated_at", { precision: 3, withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("settings_generation_single_row", sql`${t.id} = 1`),
    check("settings_generation_generation_positive", sql`${t.generation} >= 1`),
    check("settings_generation_guest_epoch_positive", sql`${t.guestEpoch} >= 1`),
  ],
);
