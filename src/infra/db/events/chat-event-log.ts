// Appends one chat message change (spec 06 §3.4, §4.2, §4.5): the `chat_message_events` row with its
// own gap-free per-room `room_seq` (lock key 'chat-events:<room>'), its realtime_outbox twin whose
// payload is a RoomEventEnvelope of scope "chat", and the commit-time NOTIFY, in the caller's transaction.
import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { type Clock, systemClock } from "../../clock.js";
import type { DbTransaction } from "../database-port.js";
import { chatMessageEvents, type JsonObject, OutboxStatus, realtimeOutbox } from "../schema/index.js";
import { type AppendedRoomEvent, outboxNotifyChannel, type RoomEventEnvelope } from "./room-event-log.js";

export type ChatEventType = "chat.created" | "chat.edited" | "chat.deleted";

/** What every chat event is about: observers subscribe to resource type `chat_message`. */
export const CHAT_RESOURCE_TYPE = "chat_message";

export interface ChatEventInput {
  roomId: number;
  messageId: number;
  messageCreatedAt: Date;
  messageVersion: number;
  eventType: ChatEventType;
  actorUserId?: number | null;
  /**
   * Builds the event payload once the event id, room_seq and time are known, so the payload can
   * carry them (receivers build the ChatMessageEvent from it without a read).
   */
  payload(event: { eventId: string; roomSeq: number; occurredAt: Date }): JsonObject;
  summary?: JsonObject;
  traceparent?: string | null;
}

/** Must run in a READ COMMITTED transaction; see appendRoomEvent for why the lock comes first. */
export async function appendChatEvent(
  tx: DbTransaction,
  input: ChatEventInput,
  clock: Clock = systemClock,
): Promise<AppendedRoomEvent> {
  const eventId = uuidv7();
  const occurredAt = new Date(clock.now());
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('chat-events:' || ${input.roomId}::text, 0))`);
  const [next] = await tx
    .select({ roomSeq: sql<string>`coalesce(max(${chatMessageEvents.roomSeq}), 0) + 1` })
    .from(chatMessageEvents)
    .where(sql`${chatMessageEvents.roomId} = ${input.roomId}`);
  const roomSeq = Number(next?.roomSeq ?? 1);
  const payload = input.payload({ eventId, roomSeq, occurredAt });
  const summary = input.summary ?? {};
  const aggregateId = String(input.messageId);

  const [row] = await tx
    .insert(chatMessageEvents)
    .values({
      eventId,
      roomId: input.roomId,
      roomSeq,
      actorUserId: input.actorUserId ?? null,
      messageId: input.messageId,
      messageCreatedAt: input.messageCreatedAt,
      eventType: input.eventType,
      messageVersion: input.messageVersion,
      payload,
      summary,
      occurredAt,
    })
    .returning({ sequence: chatMessageEvents.sequence });
  if (row === undefined) throw new Error("chat event insert returned no row");

  const envelope: RoomEventEnvelope = {
    eventId,
    scope: "chat",
    roomId: input.roomId,
    roomSeq,
    sequence: row.sequence,
    userId: null,
    resourceType: CHAT_RESOURCE_TYPE,
    resourceId: aggregateId,
    eventType: input.eventType,
    eventVersion: 1,
    aggregateType: CHAT_RESOURCE_TYPE,
    aggregateId,
    aggregateVersion: input.messageVersion,
    actorUserId: input.actorUserId ?? null,
    payload,
    summary,
    occurredAt: occurredAt.toISOString(),
  };
  await tx.insert(realtimeOutbox).values({
    id: eventId,
    aggregateType: CHAT_RESOURCE_TYPE,
    aggregateId,
    eventType: input.eventType,
    eventVersion: 1,
    aggregateVersion: input.messageVersion,
    payload: envelope,
    traceparent: input.traceparent ?? null,
    status: OutboxStatus.pending,
    nextRetryAt: occurredAt,
    createdAt: occurredAt,
  });
  await tx.execute(sql`SELECT pg_notify(${outboxNotifyChannel}, ${eventId})`);
  return {
    eventId,
    roomId: input.roomId,
    roomSeq,
    sequence: row.sequence,
    resourceType: CHAT_RESOURCE_TYPE,
    eventType: input.eventType,
    occurredAt,
    envelope,
  };
}
