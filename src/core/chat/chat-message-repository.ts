// Rows of chat_messages and the chat idempotency keys (spec 06 §3.4, §4.3), and the mapping of a row
// to ChatMessageView. Message keys are (room_id, id, created_at): one lookup hits one partition.
import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { chatMessages } from "../../infra/db/partitions/chat-messages-table.js";
import {
  type ChatOperationKind,
  chatMessageEvents,
  chatMessageIdempotency,
  chatMessageOperationIdempotency,
  type JsonObject,
  users,
} from "../../infra/db/schema/index.js";
import {
  type ChatMessageRef,
  type ChatMessageType,
  type ChatMessageView,
  type ChatMetadataView,
  type ChatPlaybackStamp,
  MESSAGE_TYPE_NUMBER,
  messageTypeOf,
  statusOf,
} from "./chat-message-view.js";

export type ChatMessageRow = typeof chatMessages.$inferSelect;

/** Stored `metadata` JSONB: the playback stamp, the danmaku display and the system extras. */
interface StoredMetadata {
  playback?: ChatPlaybackStamp;
  display?: { position: string; color: string };
  memberJoined?: { userId: number; username: string };
  playbackChanged?: Extract<ChatMetadataView, { kind: "playbackChanged" }>;
}

export function viewOfRow(row: ChatMessageRow, username: string): ChatMessageView {
  const meta = row.metadata as StoredMetadata;
  const deleted = row.status === 3;
  return {
    id: row.id,
    createdAtMs: row.createdAt.getTime(),
    roomId: row.roomId,
    userId: row.userId,
    username,
    messageType: messageTypeOf(row.messageType),
    content: deleted ? "" : row.content,
    status: statusOf(row.status),
    version: row.version,
    clientMessageId: row.clientMessageId ?? "",
    replyTo:
      row.replyToMessageId !== null && row.replyToMessageCreatedAt !== null
        ? { id: row.replyToMessageId, createdAtMs: row.replyToMessageCreatedAt.getTime() }
        : null,
    displayPosition: meta.display?.position ?? "",
    displayColor: meta.display?.color ?? "",
    metadata: metadataViewOf(meta, row.messageType),
    playback: meta.playback ?? null,
    editedAtMs: row.editedAt?.getTime() ?? null,
    deletedAtMs: row.deletedAt?.getTime() ?? null,
    deletedByUserId: row.deletedBy,
    deleteReason: row.deleteReason,
  };
}

function metadataViewOf(meta: StoredMetadata, messageType: number): ChatMetadataView {
  if (messageType === 1001 && meta.memberJoined) return { kind: "memberJoined", ...meta.memberJoined };
  if (messageType === 1002 && meta.playbackChanged) return meta.playbackChanged;
  return { kind: "user" };
}

export interface NewChatMessage {
  roomId: number;
  userId: number | null;
  clientMessageId: string | null;
  content: string;
  messageType: ChatMessageType;
  replyTo: ChatMessageRef | null;
  display: { position: string; color: string } | null;
  playback: ChatPlaybackStamp | null;
  metadata: ChatMetadataView;
  createdAt: Date;
}

export async function insertChatMessage(tx: DbTransaction, input: NewChatMessage): Promise<ChatMessageRow> {
  const metadata: StoredMetadata & JsonObject = {};
  if (input.playback) metadata.playback = input.playback;
  if (input.display) metadata.display = input.display;
  if (input.metadata.kind === "memberJoined") {
    metadata.memberJoined = { userId: input.metadata.userId, username: input.metadata.username };
  }
  if (input.metadata.kind === "playbackChanged") metadata.playbackChanged = input.metadata;
  const [row] = await tx
    .insert(chatMessages)
    .values({
      roomId: input.roomId,
      userId: input.userId,
      clientMessageId: input.clientMessageId,
      content: input.content,
      messageType: MESSAGE_TYPE_NUMBER[input.messageType],
      replyToMessageId: input.replyTo?.id ?? null,
      replyToMessageCreatedAt: input.replyTo ? new Date(input.replyTo.createdAtMs) : null,
      metadata,
      createdAt: input.createdAt,
      updatedAt: input.createdAt,
    })
    .returning();
  if (!row) throw new Error("chat message insert returned no row");
  return row;
}

function keyOf(roomId: number, ref: ChatMessageRef) {
  return and(
    eq(chatMessages.roomId, roomId),
    eq(chatMessages.id, ref.id),
    eq(chatMessages.createdAt, new Date(ref.createdAtMs)),
  );
}

export async function findChatMessage(
  db: DbExecutor,
  roomId: number,
  ref: ChatMessageRef,
  options: { forUpdate?: boolean } = {},
): Promise<ChatMessageRow | null> {
  const query = db.select().from(chatMessages).where(keyOf(roomId, ref));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function updateChatMessage(
  tx: DbTransaction,
  roomId: number,
  ref: ChatMessageRef,
  expectedVersion: number,
  set: Partial<
    Pick<
      ChatMessageRow,
      "content" | "status" | "editedAt" | "deletedAt" | "deletedBy" | "deleteReason" | "deletionSource"
    >
  >,
): Promise<ChatMessageRow | null> {
  const [row] = await tx
    .update(chatMessages)
    .set({ ...set, version: sql`${chatMessages.version} + 1` })
    .where(and(keyOf(roomId, ref), eq(chatMessages.version, expectedVersion)))
    .returning();
  return row ?? null;
}

/** Current usernames of message authors (history shows today's name). */
export async function authorNames(db: DbExecutor, rows: readonly ChatMessageRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.userId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const found = await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((r) => [r.id, r.username]));
}

export interface HistoryKey {
  createdAtMs: number;
  id: number;
}

/** Newest first, strictly older than `before` on the (created_at, id) keyset. */
export async function historyPage(
  db: DbExecutor,
  roomId: number,
  types: readonly ChatMessageType[],
  before: HistoryKey | null,
  limit: number,
): Promise<ChatMessageRow[]> {
  const conditions = [
    eq(chatMessages.roomId, roomId),
    inArray(
      chatMessages.messageType,
      types.map((t) => MESSAGE_TYPE_NUMBER[t]),
    ),
  ];
  if (before) {
    const at = new Date(before.createdAtMs);
    const older = or(
      lt(chatMessages.createdAt, at),
      and(eq(chatMessages.createdAt, at), lt(chatMessages.id, before.id)),
    );
    if (older) conditions.push(older);
  }
  return db
    .select()
    .from(chatMessages)
    .where(and(...conditions))
    .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
    .limit(limit);
}

/** The room's highest chat room_seq (0 when none): the history watermark. */
export async function chatEventWatermark(db: DbExecutor, roomId: number): Promise<number> {
  const [row] = await db
    .select({ seq: sql<string | null>`max(${chatMessageEvents.roomSeq})` })
    .from(chatMessageEvents)
    .where(eq(chatMessageEvents.roomId, roomId));
  return Number(row?.seq ?? 0);
}

/**
 * Keeps only the newest `keep` messages of the room (0 = unlimited): older rows go with their
 * events (CASCADE); replies to them lose the reference; idempotency keys stay (no FK).
 */
export async function trimRoomMessages(tx: DbTransaction, roomId: number, keep: number): Promise<number> {
  if (keep <= 0) return 0;
  const result = await tx.execute(sql`
    WITH boundary AS (
      SELECT created_at, id FROM chat_messages WHERE room_id = ${roomId}
      ORDER BY created_at DESC, id DESC OFFSET ${keep - 1} LIMIT 1
    )
    DELETE FROM chat_messages m USING boundary b
    WHERE m.room_id = ${roomId} AND (m.created_at, m.id) < (b.created_at, b.id)`);
  return affectedRows(result);
}

function affectedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return r.count ?? r.affectedRows ?? 0;
}

// --- idempotency keys (06 §4.3) ---

export interface IdempotencyClaim {
  /** True: this transaction owns the key and must complete it. */
  fresh: boolean;
  requestHash: string;
  result: JsonObject | null;
}

/** The first statement of a send: claim (room, user, client_message_id) or read the committed claim. */
export async function claimSendKey(
  tx: DbTransaction,
  key: { roomId: number; userId: number; clientMessageId: string },
  hash: string,
  now: Date,
): Promise<IdempotencyClaim> {
  const inserted = await tx
    .insert(chatMessageIdempotency)
    .values({ ...key, requestHash: hash, createdAt: now })
    .onConflictDoNothing()
    .returning({ roomId: chatMessageIdempotency.roomId });
  if (inserted.length > 0) return { fresh: true, requestHash: hash, result: null };
  const [existing] = await tx
    .select({ requestHash: chatMessageIdempotency.requestHash, result: chatMessageIdempotency.result })
    .from(chatMessageIdempotency)
    .where(
      and(
        eq(chatMessageIdempotency.roomId, key.roomId),
        eq(chatMessageIdempotency.userId, key.userId),
        eq(chatMessageIdempotency.clientMessageId, key.clientMessageId),
      ),
    );
  if (!existing) throw new Error("idempotency key vanished between insert and read");
  return { fresh: false, requestHash: existing.requestHash, result: existing.result };
}

export async function completeSendKey(
  tx: DbTransaction,
  key: { roomId: number; userId: number; clientMessageId: string },
  done: { message: ChatMessageRef; eventId: string; result: JsonObject },
): Promise<void> {
  await tx
    .update(chatMessageIdempotency)
    .set({
      messageId: done.message.id,
      messageCreatedAt: new Date(done.message.createdAtMs),
      eventId: done.eventId,
      result: done.result,
    })
    .where(
      and(
        eq(chatMessageIdempotency.roomId, key.roomId),
        eq(chatMessageIdempotency.userId, key.userId),
        eq(chatMessageIdempotency.clientMessageId, key.clientMessageId),
      ),
    );
}

export interface OperationKey {
  roomId: number;
  userId: number;
  operationKind: ChatOperationKind;
  clientOperationId: string;
}

const operationWhere = (key: OperationKey) =>
  and(
    eq(chatMessageOperationIdempotency.roomId, key.roomId),
    eq(chatMessageOperationIdempotency.userId, key.userId),
    eq(chatMessageOperationIdempotency.operationKind, key.operationKind),
    eq(chatMessageOperationIdempotency.clientOperationId, key.clientOperationId),
  );

export async function claimOperationKey(
  tx: DbTransaction,
  key: OperationKey,
  hash: string,
  now: Date,
): Promise<IdempotencyClaim> {
  const inserted = await tx
    .insert(chatMessageOperationIdempotency)
    .values({ ...key, requestHash: hash, createdAt: now })
    .onConflictDoNothing()
    .returning({ roomId: chatMessageOperationIdempotency.roomId });
  if (inserted.length > 0) return { fresh: true, requestHash: hash, result: null };
  const [existing] = await tx
    .select({
      requestHash: chatMessageOperationIdempotency.requestHash,
      result: chatMessageOperationIdempotency.result,
    })
    .from(chatMessageOperationIdempotency)
    .where(operationWhere(key));
  if (!existing) throw new Error("idempotency key vanished between insert and read");
  return { fresh: false, requestHash: existing.requestHash, result: existing.result };
}

export async function completeOperationKey(
  tx: DbTransaction,
  key: OperationKey,
  done: { message: ChatMessageRef; eventId: string; result: JsonObject },
): Promise<void> {
  await tx
    .update(chatMessageOperationIdempotency)
    .set({
      messageId: done.message.id,
      messageCreatedAt: new Date(done.message.createdAtMs),
      eventId: done.eventId,
      result: done.result,
    })
    .where(operationWhere(key));
}
