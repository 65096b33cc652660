// Replay of the chat log for observers (spec 03 §2 chat_events): events after a room_seq cursor, and the
// envelope → event mapping for live delivery. Both read only the durable payload, never the message row.
import { and, asc, eq, gt, min } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { CHAT_RESOURCE_TYPE } from "../../infra/db/events/chat-event-log.js";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import { chatMessageEvents } from "../../infra/db/schema/index.js";
import { type ChatEventView, eventFromPayload } from "./chat-message-view.js";

/** Events with room_seq > `afterSeq`, oldest first; `afterSeq` 0 = the retained history. */
export async function readChatEventsAfter(
  db: DbExecutor,
  roomId: number,
  afterSeq: number,
  limit: number,
): Promise<ChatEventView[]> {
  const rows = await db
    .select({
      eventId: chatMessageEvents.eventId,
      roomSeq: chatMessageEvents.roomSeq,
      payload: chatMessageEvents.payload,
    })
    .from(chatMessageEvents)
    .where(and(eq(chatMessageEvents.roomId, roomId), gt(chatMessageEvents.roomSeq, afterSeq)))
    .orderBy(asc(chatMessageEvents.roomSeq))
    .limit(limit);
  return rows.map((row) => eventFromPayload(row.eventId, roomId, row.roomSeq, row.payload));
}

/** The chat event an outbox envelope carries; null for envelopes of the room log or other resources. */
export function chatEventFromEnvelope(envelope: RoomEventEnvelope): ChatEventView | null {
  if (envelope.scope !== "chat" || envelope.resourceType !== CHAT_RESOURCE_TYPE || envelope.payload === null) {
    return null;
  }
  return eventFromPayload(envelope.eventId, envelope.roomId, envelope.roomSeq, envelope.payload);
}

/** A page of the chat log as outbox-shaped envelopes (for observers that route envelopes), or expired. */
export type ChatLogPage = { expired: true } | { expired: false; envelopes: RoomEventEnvelope[]; more: boolean };

/**
 * Chat log entries with room_seq > `after`, oldest first, as the envelopes live delivery carries. A
 * non-zero cursor is expired when the oldest retained entry lies beyond `after + 1` (retention or the
 * room cap removed something the client has not seen); the client then re-reads history.
 */
export async function chatLogPage(db: DbExecutor, roomId: number, after: number, limit: number): Promise<ChatLogPage> {
  if (after > 0) {
    const [oldest] = await db
      .select({ seq: min(chatMessageEvents.roomSeq) })
      .from(chatMessageEvents)
      .where(eq(chatMessageEvents.roomId, roomId));
    const retainedFrom = oldest?.seq === null || oldest?.seq === undefined ? null : Number(oldest.seq);
    if (retainedFrom !== null && retainedFrom > after + 1) return { expired: true };
  }
  const rows = await db
    .select()
    .from(chatMessageEvents)
    .where(and(eq(chatMessageEvents.roomId, roomId), gt(chatMessageEvents.roomSeq, after)))
    .orderBy(asc(chatMessageEvents.roomSeq))
    .limit(limit);
  return { expired: false, envelopes: rows.map(envelopeOfChatRow), more: rows.length === limit };
}

function envelopeOfChatRow(row: typeof chatMessageEvents.$inferSelect): RoomEventEnvelope {
  const aggregateId = String(row.messageId);
  return {
    eventId: row.eventId,
    scope: "chat",
    roomId: row.roomId,
    roomSeq: row.roomSeq,
    sequence: row.sequence,
    userId: null,
    resourceType: CHAT_RESOURCE_TYPE,
    resourceId: aggregateId,
    eventType: row.eventType,
    eventVersion: 1,
    aggregateType: CHAT_RESOURCE_TYPE,
    aggregateId,
    aggregateVersion: row.messageVersion,
    actorUserId: row.actorUserId,
    payload: row.payload,
    summary: row.summary,
    occurredAt: row.occurredAt.toISOString(),
  };
}
