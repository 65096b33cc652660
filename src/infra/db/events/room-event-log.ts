// Appends one observable room change (spec 03 §2.1, 06 §4.2, §4.5): the durable event row with a
// gap-free per-room `room_seq`, its realtime_outbox twin, and the commit-time NOTIFY, in the caller's transaction.
import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { type Clock, systemClock } from "../../clock.js";
import type { DbTransaction } from "../database-port.js";
import { EventScope, type JsonObject, OutboxStatus, realtimeOutbox, roomResourceEvents } from "../schema/index.js";

/** Dispatchers LISTEN here; PostgreSQL delivers it only when the transaction commits. */
export const outboxNotifyChannel = "realtime_outbox_new";

export interface RoomEventInput {
  roomId: number;
  /** What observers subscribe to, e.g. `room_member`, `room_settings`, `playlist_item`. */
  resourceType: string;
  resourceId?: string | null;
  /** e.g. `member.joined`; names are owned by the writing domain. */
  eventType: string;
  eventVersion?: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion?: number | null;
  actorUserId?: number | null;
  /** The user the event concerns, when there is one (also indexed for per-user replay). */
  userId?: number | null;
  payload?: JsonObject | null;
  summary?: JsonObject;
  /** W3C trace context of the request, carried to the dispatcher (08 §6). */
  traceparent?: string | null;
}

export interface AppendedRoomEvent {
  eventId: string;
  roomId: number;
  roomSeq: number;
  sequence: number;
  resourceType: string;
  eventType: string;
  occurredAt: Date;
  /** The outbox payload, so after-commit listeners can deliver locally without a read (06 §4.5 step 2). */
  envelope: RoomEventEnvelope;
}

/** The two per-room logs; each has its own gap-free `room_seq`. */
export type RoomEventLogScope = "room" | "chat";

/**
 * What `realtime_outbox.payload` holds: everything a receiver needs to route, filter and replay
 * the event without reading the database again.
 */
export interface RoomEventEnvelope extends JsonObject {
  eventId: string;
  /** Which durable log and per-room sequence: `room_resource_events` or `chat_message_events` (06 §4.2). */
  scope: RoomEventLogScope;
  roomId: number;
  roomSeq: number;
  sequence: number;
  userId: number | null;
  resourceType: string;
  resourceId: string | null;
  eventType: string;
  eventVersion: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number | null;
  actorUserId: number | null;
  payload: JsonObject | null;
  summary: JsonObject;
  occurredAt: string;
}

function assertId(name: string, value: number | null | undefined): void {
  if (value !== null && value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive safe integer, got ${value}`);
  }
}

/**
 * Must run inside a READ COMMITTED transaction (the default): the room's event-order lock is
 * taken first, and the next statement's snapshot then sees every earlier committed event of the
 * room, so `max(room_seq) + 1` has no holes and no duplicates. Concurrent writers to one room
 * queue on the lock until the holder commits or rolls back.
 */
export async function appendRoomEvent(
  tx: DbTransaction,
  input: RoomEventInput,
  clock: Clock = systemClock,
): Promise<AppendedRoomEvent> {
  assertId("roomId", input.roomId);
  assertId("userId", input.userId);
  assertId("actorUserId", input.actorUserId);
  const eventId = uuidv7();
  const occurredAt = new Date(clock.now());
  const eventVersion = input.eventVersion ?? 1;

  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('room-events:' || ${input.roomId}::text, 0))`);

  const [row] = await tx
    .insert(roomResourceEvents)
    .values({
      eventId,
      scopeType: EventScope.room,
      roomId: input.roomId,
      roomSeq: sql`(SELECT coalesce(max(${roomResourceEvents.roomSeq}), 0) + 1 FROM ${roomResourceEvents} WHERE ${roomResourceEvents.roomId} = ${input.roomId})`,
      userId: input.userId ?? null,
      aggregateType: input.aggregateType,
      aggregateId: input.aggregateId,
      resourceType: input.resourceType,
      resourceId: input.resourceId ?? null,
      eventType: input.eventType,
      eventVersion,
      aggregateVersion: input.aggregateVersion ?? null,
      actorUserId: input.actorUserId ?? null,
      payload: input.payload ?? null,
      summary: input.summary ?? {},
      occurredAt,
    })
    .returning({ sequence: roomResourceEvents.sequence, roomSeq: roomResourceEvents.roomSeq });
  if (row === undefined || row.roomSeq === null) throw new Error("room event insert returned no row");

  const envelope: RoomEventEnvelope = {
    eventId,
    scope: "room",
    roomId: input.roomId,
    roomSeq: row.roomSeq,
    sequence: row.sequence,
    userId: input.userId ?? null,
    resourceType: input.resourceType,
    resourceId: input.resourceId ?? null,
    eventType: input.eventType,
    eventVersion,
    aggregateType: input.aggregateType,
    aggregateId: input.aggregateId,
    aggregateVersion: input.aggregateVersion ?? null,
    actorUserId: input.actorUserId ?? null,
    payload: input.payload ?? null,
    summary: input.summary ?? {},
    occurredAt: occurredAt.toISOString(),
  };
  await tx.insert(realtimeOutbox).values({
    id: eventId,
    aggregateType: input.aggregateType,
    aggregateId: input.aggregateId,
    eventType: input.eventType,
    eventVersion,
    aggregateVersion: input.aggregateVersion ?? null,
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
    roomSeq: row.roomSeq,
    sequence: row.sequence,
    resourceType: input.resourceType,
    eventType: input.eventType,
    occurredAt,
    envelope,
  };
}
