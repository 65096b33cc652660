// Reading the `room` durable log (room_resource_events, 06 §4.2) for observers: the entries after a
// room_seq cursor, and the newest room_seq of some resource types (the version of refetched listings).
import { and, asc, eq, gt, inArray, min, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import { roomResourceEvents } from "../../infra/db/schema/index.js";
import type { ReplayOutcome } from "./resource-definition.js";

/**
 * Entries of `resourceTypes` with room_seq > `after`, oldest first. A non-zero cursor is expired when
 * the oldest entry the room still retains (of any type: room_seq numbers them all) lies beyond
 * `after + 1`, i.e. something the client has not seen was pruned.
 */
export async function roomLogReplay(
  db: DbExecutor,
  resourceTypes: readonly string[],
  roomId: number,
  after: number,
  limit: number,
): Promise<ReplayOutcome> {
  if (after > 0) {
    const [oldest] = await db
      .select({ seq: min(roomResourceEvents.roomSeq) })
      .from(roomResourceEvents)
      .where(eq(roomResourceEvents.roomId, roomId));
    const retainedFrom = oldest?.seq === null || oldest?.seq === undefined ? null : Number(oldest.seq);
    if (retainedFrom !== null && retainedFrom > after + 1) return { kind: "expired" };
  }
  const rows = await db
    .select()
    .from(roomResourceEvents)
    .where(
      and(
        eq(roomResourceEvents.roomId, roomId),
        inArray(roomResourceEvents.resourceType, [...resourceTypes]),
        gt(roomResourceEvents.roomSeq, after),
      ),
    )
    .orderBy(asc(roomResourceEvents.roomSeq))
    .limit(limit);
  return { kind: "events", envelopes: rows.map(envelopeOfRow), more: rows.length === limit };
}

/** The newest room_seq among the room's entries matching `filter` (0 when there is none). */
export async function latestRoomSeq(
  db: DbExecutor,
  roomId: number,
  filter: { resourceType: string; eventTypes?: readonly string[] }[],
): Promise<number> {
  const matches = filter.map((f) =>
    f.eventTypes === undefined
      ? sql`${roomResourceEvents.resourceType} = ${f.resourceType}`
      : sql`(${roomResourceEvents.resourceType} = ${f.resourceType} AND ${inArray(roomResourceEvents.eventType, [...f.eventTypes])})`,
  );
  const [row] = await db
    .select({ v: sql<string | number | null>`max(${roomResourceEvents.roomSeq})` })
    .from(roomResourceEvents)
    .where(and(eq(roomResourceEvents.roomId, roomId), sql`(${sql.join(matches, sql` OR `)})`));
  return Number(row?.v ?? 0);
}

function envelopeOfRow(row: typeof roomResourceEvents.$inferSelect): RoomEventEnvelope {
  return {
    eventId: row.eventId,
    scope: "room",
    roomId: Number(row.roomId),
    roomSeq: Number(row.roomSeq),
    sequence: row.sequence,
    userId: row.userId,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    eventType: row.eventType,
    eventVersion: row.eventVersion,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    aggregateVersion: row.aggregateVersion,
    actorUserId: row.actorUserId,
    payload: row.payload,
    summary: row.summary,
    occurredAt: row.occurredAt.toISOString(),
  };
}
