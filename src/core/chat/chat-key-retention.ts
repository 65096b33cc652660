// Retention of the chat idempotency keys (spec 06 §4.3, §4.7): send and operation keys are kept 24 h
// from their created_at, independent of message retention, then purged in batches. The leader's hourly
// retention job calls this; it is safe to run twice or on two nodes (rows are only ever deleted).
import { sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";

export const CHAT_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes keys older than 24 h, at most `batch` per table per call; returns how many went. */
export async function purgeExpiredChatKeys(db: DbExecutor, nowMs: number, batch = 1000): Promise<number> {
  const cutoff = new Date(nowMs - CHAT_KEY_RETENTION_MS).toISOString();
  let purged = 0;
  for (const table of ["chat_message_idempotency", "chat_message_operation_idempotency"] as const) {
    // Table names are fixed above, never input; SKIP LOCKED leaves keys a send is using right now.
    const result = await db.execute(
      sql`WITH expired AS (
            SELECT ctid FROM ${sql.identifier(table)} WHERE created_at < ${cutoff}::timestamptz
            LIMIT ${batch} FOR UPDATE SKIP LOCKED
          )
          DELETE FROM ${sql.identifier(table)} t USING expired e WHERE t.ctid = e.ctid RETURNING 1`,
    );
    purged += Array.isArray(result) ? result.length : ((result as { rows?: unknown[] }).rows?.length ?? 0);
  }
  return purged;
}
