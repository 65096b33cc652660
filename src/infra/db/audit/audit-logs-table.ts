// Typing for `audit_logs` (spec 06 §3.6, 08 §4.5), a table partitioned by month that the custom
// migration 0007 creates. It lives outside src/infra/db/schema/ so drizzle-kit never generates it
// (drizzle-kit cannot declare PARTITION BY, and the schema-drift test expects plain tables there).
import { sql } from "drizzle-orm";
import { bigint, jsonb, pgTable, text, varchar } from "drizzle-orm/pg-core";
import type { JsonObject } from "../schema/events.js";
import { timestamptz } from "../schema/users.js";

export const auditLogs = pgTable("audit_logs", {
  // DEFAULT nextval('audit_logs_id_seq'): identity needs PostgreSQL 17 on partitioned tables.
  id: bigint("id", { mode: "number" }).notNull().default(sql`nextval('audit_logs_id_seq')`),
  // No FK: a purged user's rows keep their text with actor_id set to NULL.
  actorId: bigint("actor_id", { mode: "number" }),
  actorName: varchar("actor_name", { length: 100 }).notNull(),
  source: varchar("source", { length: 16 }).notNull(),
  action: varchar("action", { length: 64 }).notNull(),
  targetType: varchar("target_type", { length: 32 }).notNull().default(""),
  targetId: varchar("target_id", { length: 100 }).notNull().default(""),
  details: jsonb("details").$type<JsonObject>().notNull().default({}),
  ip: text("ip"),
  userAgent: text("user_agent"),
  requestId: varchar("request_id", { length: 64 }).notNull().default(""),
  result: varchar("result", { length: 32 }).notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
