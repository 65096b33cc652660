// `client_operation_id` for playback mutations (spec 02 §2.8, 06 §4.3): keyed by (room, actor, operation
// kind, id) in `room_operation_idempotency`; a duplicate inside 10 minutes gets the first result back and
// nothing is applied again, so a retried PlayNext never skips twice.
import { and, eq, gt, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { type JsonObject, roomOperationIdempotency } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";

export const PLAYBACK_IDEMPOTENCY_WINDOW_MS = 10 * 60_000;

export type PlaybackOperationKind =
  | "update_playback_state"
  | "start_playback"
  | "stop_playback"
  | "play_next"
  | "play_previous"
  | "play_history_entry";

export interface OperationKey {
  roomId: number;
  actorKey: string;
  kind: PlaybackOperationKind;
  clientOperationId: string;
}

/** Guests have no users row, so the actor is a string key (`usr:…`, `gst:…`). */
export function actorKeyOf(actor: Actor): string {
  switch (actor.kind) {
    case "user":
      return `usr:${actor.userId}`;
    case "guest":
      return `gst:${actor.guestId}`;
    case "management":
      return "mgmt";
    case "anonymous":
      return "anon";
  }
}

const matches = (key: OperationKey) =>
  and(
    eq(roomOperationIdempotency.roomId, key.roomId),
    eq(roomOperationIdempotency.actorKey, key.actorKey),
    eq(roomOperationIdempotency.operationKind, key.kind),
    eq(roomOperationIdempotency.clientOperationId, key.clientOperationId),
  );

/** The stored first result of this operation, if it ran inside the window. */
export async function findOperationResult(
  db: DbExecutor,
  key: OperationKey,
  nowMs: number,
): Promise<JsonObject | null> {
  const cutoff = new Date(nowMs - PLAYBACK_IDEMPOTENCY_WINDOW_MS);
  const [row] = await db
    .select({ result: roomOperationIdempotency.result })
    .from(roomOperationIdempotency)
    .where(and(matches(key), gt(roomOperationIdempotency.createdAt, cutoff)));
  return row?.result ?? null;
}

/**
 * Records the result in the operation's own transaction. An expired key (not yet purged) is taken
 * over; a live one means a duplicate committed meanwhile → false, and the caller retries, which then
 * finds and returns that result.
 */
export async function recordOperationResult(
  tx: DbTransaction,
  key: OperationKey,
  result: JsonObject,
  nowMs: number,
): Promise<boolean> {
  const created = new Date(nowMs);
  const cutoff = new Date(nowMs - PLAYBACK_IDEMPOTENCY_WINDOW_MS);
  const rows = await tx
    .insert(roomOperationIdempotency)
    .values({
      roomId: key.roomId,
      actorKey: key.actorKey,
      operationKind: key.kind,
      clientOperationId: key.clientOperationId,
      result,
      createdAt: created,
    })
    .onConflictDoUpdate({
      target: [
        roomOperationIdempotency.roomId,
        roomOperationIdempotency.actorKey,
        roomOperationIdempotency.operationKind,
        roomOperationIdempotency.clientOperationId,
      ],
      set: { result, createdAt: created },
      // A raw template does not map Dates on every driver: pass the instant as text.
      setWhere: sql`${roomOperationIdempotency.createdAt} <= ${cutoff.toISOString()}::timestamptz`,
    })
    .returning({ roomId: roomOperationIdempotency.roomId });
  return rows.length > 0;
}
