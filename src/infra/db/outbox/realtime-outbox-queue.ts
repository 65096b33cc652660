// Lease primitives of the realtime_outbox work queue (spec 06 §4.4): claim due rows with
// FOR UPDATE SKIP LOCKED, complete or fail them under a `locked_by` fence, requeue stale leases.
// The dispatcher loop that drives them lives with the realtime hub.
import { and, asc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { DbExecutor } from "../database-port.js";
import { OutboxStatus, realtimeOutbox } from "../schema/index.js";

export type OutboxRow = typeof realtimeOutbox.$inferSelect;

/** Rows claimed per batch (06 §4.4). */
export const outboxClaimBatchSize = 100;
/** The failure that reaches this many attempts makes the row dead. */
export const outboxDeadAfterAttempts = 12;
/** A processing row whose lease is older than this is requeued by any node. */
export const outboxStaleLeaseMs = 120_000;
const maxBackoffExponent = 8;
const maxBackoffSeconds = 300;
const maxErrorLength = 2000;

/** Delay before retry after the `attempts`-th failure: 2ⁿ s with n ≤ 8, never above 300 s. */
export function outboxRetryDelayMs(attempts: number): number {
  const exponent = Math.min(Math.max(attempts, 0), maxBackoffExponent);
  return Math.min(2 ** exponent, maxBackoffSeconds) * 1000;
}

export interface ClaimOutboxOptions {
  /** Lease owner: node id + worker, e.g. `node-a/outbox-1`. */
  workerId: string;
  /** Epoch ms from the injected Clock; rows due at or before it are claimable. */
  now: number;
  limit?: number;
}

/**
 * Claims up to `limit` due pending rows in one statement. Rows locked by another claimer's open
 * transaction are skipped, not waited for, so concurrent claimers never get the same row.
 */
export async function claimOutboxBatch(db: DbExecutor, options: ClaimOutboxOptions): Promise<OutboxRow[]> {
  const now = new Date(options.now);
  const due = db.$with("due").as(
    db
      .select({ id: realtimeOutbox.id })
      .from(realtimeOutbox)
      .where(and(eq(realtimeOutbox.status, OutboxStatus.pending), lte(realtimeOutbox.nextRetryAt, now)))
      .orderBy(asc(realtimeOutbox.nextRetryAt), asc(realtimeOutbox.createdAt), asc(realtimeOutbox.id))
      .limit(options.limit ?? outboxClaimBatchSize)
      .for("update", { skipLocked: true }),
  );
  const rows = await db
    .with(due)
    .update(realtimeOutbox)
    .set({ status: OutboxStatus.processing, lockedBy: options.workerId, lockedAt: now })
    .where(inArray(realtimeOutbox.id, db.select({ id: due.id }).from(due)))
    .returning();
  // UPDATE … RETURNING has no order; hand rows out in claim order.
  return rows.sort(
    (a, b) =>
      a.nextRetryAt.getTime() - b.nextRetryAt.getTime() ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Where this worker's lease still holds: processing and locked by it (a requeued row is not). */
function heldBy(workerId: string) {
  return and(eq(realtimeOutbox.status, OutboxStatus.processing), eq(realtimeOutbox.lockedBy, workerId));
}

/** Marks rows sent; returns the ids actually completed (a lost lease makes that id a no-op). */
export async function completeOutboxRows(
  db: DbExecutor,
  options: { ids: readonly string[]; workerId: string; now: number },
): Promise<string[]> {
  if (options.ids.length === 0) return [];
  const rows = await db
    .update(realtimeOutbox)
    .set({ status: OutboxStatus.sent, dispatchedAt: new Date(options.now), lockedBy: null, lockedAt: null })
    .where(and(inArray(realtimeOutbox.id, [...options.ids]), heldBy(options.workerId)))
    .returning({ id: realtimeOutbox.id });
  return rows.map((r) => r.id);
}

export interface FailedOutboxRow {
  id: string;
  status: OutboxStatus;
  attempts: number;
  nextRetryAt: Date;
}

// Shared by fail and stale requeue: one more attempt, dead at the limit, else pending after backoff.
const nextAttempts = sql`${realtimeOutbox.attempts} + 1`;
const statusAfterFailure = sql<number>`CASE WHEN ${nextAttempts} >= ${sql.raw(String(outboxDeadAfterAttempts))} THEN ${sql.raw(String(OutboxStatus.dead))} ELSE ${sql.raw(String(OutboxStatus.pending))} END`;
function retryAt(now: Date) {
  return sql`${now.toISOString()}::timestamptz + make_interval(secs => least(power(2, least(${nextAttempts}, ${sql.raw(String(maxBackoffExponent))})), ${sql.raw(String(maxBackoffSeconds))}))`;
}

/** Records a failed delivery: retry after backoff, or dead after 12 attempts. Null when the lease was lost. */
export async function failOutboxRow(
  db: DbExecutor,
  options: { id: string; workerId: string; now: number; error: string },
): Promise<FailedOutboxRow | null> {
  const now = new Date(options.now);
  const [row] = await db
    .update(realtimeOutbox)
    .set({
      attempts: nextAttempts,
      status: statusAfterFailure,
      nextRetryAt: retryAt(now),
      lockedBy: null,
      lockedAt: null,
      lastError: options.error.slice(0, maxErrorLength),
    })
    .where(and(eq(realtimeOutbox.id, options.id), heldBy(options.workerId)))
    .returning({
      id: realtimeOutbox.id,
      status: realtimeOutbox.status,
      attempts: realtimeOutbox.attempts,
      nextRetryAt: realtimeOutbox.nextRetryAt,
    });
  return row === undefined ? null : { ...row, status: row.status as OutboxStatus };
}

/**
 * Requeues rows whose lease is older than `staleAfterMs` (their worker died). The lost lease
 * counts as an attempt, so a row that crashes every dispatcher still ends up dead. Safe to run on
 * every node at once: rows another requeuer holds are skipped.
 */
export async function requeueStaleOutboxRows(
  db: DbExecutor,
  options: { now: number; staleAfterMs?: number },
): Promise<number> {
  const now = new Date(options.now);
  const cutoff = new Date(options.now - (options.staleAfterMs ?? outboxStaleLeaseMs));
  const stale = db.$with("stale").as(
    db
      .select({ id: realtimeOutbox.id })
      .from(realtimeOutbox)
      .where(and(eq(realtimeOutbox.status, OutboxStatus.processing), lt(realtimeOutbox.lockedAt, cutoff)))
      .for("update", { skipLocked: true }),
  );
  const rows = await db
    .with(stale)
    .update(realtimeOutbox)
    .set({
      attempts: nextAttempts,
      status: statusAfterFailure,
      nextRetryAt: now,
      lockedBy: null,
      lockedAt: null,
      lastError: "lease expired",
    })
    .where(inArray(realtimeOutbox.id, db.select({ id: stale.id }).from(stale)))
    .returning({ id: realtimeOutbox.id });
  return rows.length;
}
