// Typing for `room_playback_history` (spec 06 §3.3), a table partitioned by day that the custom
// migration 0006 creates. It lives outside src/infra/db/schema/ so drizzle-kit never generates it.
import { sql } from "drizzle-orm";
import { bigint, doublePrecision, jsonb, pgTable, text, varchar } from "drizzle-orm/pg-core";
import type { JsonObject } from "../schema/events.js";
import { timestamptz } from "../schema/users.js";

export const roomPlaybackHistory = pgTable("room_playback_history", {
  // DEFAULT nextval('room_playback_history_id_seq'): identity needs PostgreSQL 17 on partitioned tables.
  id: bigint("id", { mode: "number" }).notNull().default(sql`nextval('room_playback_history_id_seq')`),
  roomId: bigint("room_id", { mode: "number" }).notNull(),
  sequence: bigint("sequence", { mode: "number" }).notNull(),
  mediaId: bigint("media_id", { mode: "number" }),
  playlistId: bigint("playlist_id", { mode: "number" }),
  target: jsonb("target").$type<JsonObject>(),
  targetHash: text("target_hash").notNull().default(""),
  mediaName: varchar("media_name", { length: 500 }).notNull().default(""),
  playlistName: varchar("playlist_name", { length: 255 }),
  positionSeconds: doublePrecision("position_seconds").notNull().default(0),
  selectedByUserId: bigint("selected_by_user_id", { mode: "number" }),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
