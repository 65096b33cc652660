// Chat tables drizzle-kit generates (spec 06 §3.4): the chat event log with its own gap-free per-room
// sequence, and the send/operation idempotency keys. `chat_messages` itself is partitioned by day and
// comes from a custom migration, typed in ../partitions/chat-messages-table.ts.
import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, primaryKey, text, unique } from "drizzle-orm/pg-core";
import type { JsonObject } from "./events.js";
import { rooms } from "./rooms.js";
import { timestamptz, users } from "./users.js";

/** `chat_messages.message_type`: append-only, equal to the ChatMessageType numbers of the contract. */
export const ChatMessageKind = { user: 1, memberJoined: 1001, playbackChanged: 1002 } as const;
export type ChatMessageKind = (typeof ChatMessageKind)[keyof typeof ChatMessageKind];

/** `chat_messages.status`: append-only. */
export const ChatMessageState = { active: 1, edited: 2, deleted: 3 } as const;
export type ChatMessageState = (typeof ChatMessageState)[keyof typeof ChatMessageState];

/** `chat_message_operation_idempotency.operation_kind` (06 §3.4). */
export type ChatOperationKind = "edit" | "delete" | "reaction" | "pin";

const uuidPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
const sha256Hex = "^[0-9a-f]{64}$";

export const chatMessageEvents = pgTable(
  "chat_message_events",
  {
    sequence: bigint("sequence", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    eventId: text("event_id").notNull(),
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    // Gap-free per room under the 'chat-events:<room>' advisory lock (06 §4.2).
    roomSeq: bigint("room_seq", { mode: "number" }).notNull(),
    actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    // The FK (room_id, message_id, message_created_at) → chat_messages ON DELETE CASCADE is in the
    // custom migration: the message table is partitioned and hand-written.
    messageId: bigint("message_id", { mode: "number" }).notNull(),
    messageCreatedAt: timestamptz("message_created_at").notNull(),
    // chat.created | chat.edited | chat.deleted
    eventType: text("event_type").notNull(),
    messageVersion: bigint("message_version", { mode: "number" }).notNull(),
    payload: jsonb("payload").$type<JsonObject>().notNull(),
    summary: jsonb("summary").$type<JsonObject>().notNull().default({}),
    occurredAt: timestamptz("occurred_at").notNull().defaultNow(),
  },
  (t) => [
    unique("chat_message_events_event_id_key").on(t.eventId),
    unique("chat_message_events_room_seq_key").on(t.roomId, t.roomSeq),
    index("chat_message_events_message_idx").on(t.roomId, t.messageId, t.messageCreatedAt),
    index("chat_message_events_occurred_idx").on(t.occurredAt, t.sequence),
    check("chat_message_events_event_id_format", sql`${t.eventId} ~ ${sql.raw(`'${uuidPattern}'`)}`),
    check("chat_message_events_room_seq_positive", sql`${t.roomSeq} >= 1`),
    check("chat_message_events_message_version_positive", sql`${t.messageVersion} >= 1`),
    check(
      "chat_message_events_event_type_known",
      sql`${t.eventType} IN ('chat.created', 'chat.edited', 'chat.deleted')`,
    ),
    check("chat_message_events_payload_object", sql`jsonb_typeof(${t.payload}) = 'object'`),
    check("chat_message_events_summary_object", sql`jsonb_typeof(${t.summary}) = 'object'`),
  ],
);

export const chatMessageIdempotency = pgTable(
  "chat_message_idempotency",
  {
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientMessageId: text("client_message_id").notNull(),
    requestHash: text("request_hash").notNull(),
    // No FK: the key outlives message retention for 24 h (06 §4.3). Null until the send's message row
    // exists, which is later in the same transaction, so a committed key always names its message.
    messageId: bigint("message_id", { mode: "number" }),
    messageCreatedAt: timestamptz("message_created_at"),
    eventId: text("event_id"),
    // The CREATED event as first answered, so a retry gets it back even after the message was trimmed.
    result: jsonb("result").$type<JsonObject>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "chat_message_idempotency_pkey", columns: [t.roomId, t.userId, t.clientMessageId] }),
    index("chat_message_idempotency_created_idx").on(t.createdAt),
    check("chat_message_idempotency_client_id_format", sql`${t.clientMessageId} ~ '^[A-Za-z0-9_-]{1,64}$'`),
    check("chat_message_idempotency_hash_format", sql`${t.requestHash} ~ ${sql.raw(`'${sha256Hex}'`)}`),
    check(
      "chat_message_idempotency_message_pair",
      sql`(${t.messageId} IS NULL) = (${t.messageCreatedAt} IS NULL) AND (${t.messageId} IS NULL) = (${t.eventId} IS NULL) AND (${t.messageId} IS NULL) = (${t.result} IS NULL)`,
    ),
    check("chat_message_idempotency_result_object", sql`jsonb_typeof(${t.result}) = 'object'`),
  ],
);

export const chatMessageOperationIdempotency = pgTable(
  "chat_message_operation_idempotency",
  {
    roomId: bigint("room_id", { mode: "number" })
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    operationKind: text("operation_kind").$type<ChatOperationKind>().notNull(),
    clientOperationId: text("client_operation_id").notNull(),
    requestHash: text("request_hash").notNull(),
    messageId: bigint("message_id", { mode: "number" }),
    messageCreatedAt: timestamptz("message_created_at"),
    eventId: text("event_id"),
    result: jsonb("result").$type<JsonObject>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: "chat_message_operation_idempotency_pkey",
      columns: [t.roomId, t.userId, t.operationKind, t.clientOperationId],
    }),
    index("chat_message_operation_idempotency_created_idx").on(t.createdAt),
    check(
      "chat_message_operation_idempotency_kind_known",
      sql`${t.operationKind} IN ('edit', 'delete', 'reaction', 'pin')`,
    ),
    check("chat_message_operation_idempotency_hash_format", sql`${t.requestHash} ~ ${sql.raw(`'${sha256Hex}'`)}`),
    check("chat_message_operation_idempotency_result_object", sql`jsonb_typeof(${t.result}) = 'object'`),
  ],
);
