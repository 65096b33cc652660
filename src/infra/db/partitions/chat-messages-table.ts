// Typing for `chat_messages` (spec 06 §3.4), a table partitioned by day that the custom migration 0009
// creates. It lives outside src/infra/db/schema/ so drizzle-kit never generates it.
import { sql } from "drizzle-orm";
import { bigint, jsonb, pgTable, smallint, text, varchar } from "drizzle-orm/pg-core";
import type { JsonObject } from "../schema/events.js";
import { timestamptz } from "../schema/users.js";

// `content_search` (generated tsvector) is left out: nothing writes it, and search (P2) queries it in SQL.
export const chatMessages = pgTable("chat_messages", {
  // DEFAULT nextval('chat_messages_id_seq'): identity needs PostgreSQL 17 on partitioned tables.
  id: bigint("id", { mode: "number" }).notNull().default(sql`nextval('chat_messages_id_seq')`),
  roomId: bigint("room_id", { mode: "number" }).notNull(),
  userId: bigint("user_id", { mode: "number" }),
  clientMessageId: text("client_message_id"),
  content: text("content").notNull().default(""),
  messageType: smallint("message_type").notNull(),
  status: smallint("status").notNull().default(1),
  version: bigint("version", { mode: "number" }).notNull().default(1),
  replyToMessageId: bigint("reply_to_message_id", { mode: "number" }),
  replyToMessageCreatedAt: timestamptz("reply_to_message_created_at"),
  metadata: jsonb("metadata").$type<JsonObject>().notNull().default({}),
  editedAt: timestamptz("edited_at"),
  deletedAt: timestamptz("deleted_at"),
  deletedBy: bigint("deleted_by", { mode: "number" }),
  deleteReason: varchar("delete_reason", { length: 500 }).notNull().default(""),
  deletionSource: smallint("deletion_source"),
  deletedOwnerId: bigint("deleted_owner_id", { mode: "number" }),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
