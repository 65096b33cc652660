// Monthly partitions of `audit_logs` (spec 06 §4.6): `audit_logs_YYYY_MM`, created ahead so inserts
// never wait for a leader. Idempotent, so every node (and later the leader's job) may run it.
import { sql } from "drizzle-orm";
import type { Db } from "../database-port.js";
import { sqlStateOf } from "../sql-state.js";

/** The leader keeps this many months ahead (06 §4.6); each node creates them too at start. */
export const AUDIT_PARTITION_MONTHS_AHEAD = 3;

/** First instant (UTC) of the month holding `ms`, shifted by `offset` months. */
export function utcMonthStart(ms: number, offset = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

/** `audit_logs_2025_01` for the UTC month starting at `monthStartMs`. */
export function auditPartitionName(monthStartMs: number): string {
  const iso = new Date(monthStartMs).toISOString();
  return `audit_logs_${iso.slice(0, 4)}_${iso.slice(5, 7)}`;
}

/** Creates the partitions of the month holding `nowMs` and `monthsAhead` more; returns their names. */
export async function ensureAuditPartitions(
  db: Db,
  nowMs: number,
  monthsAhead = AUDIT_PARTITION_MONTHS_AHEAD,
): Promise<string[]> {
  const names: string[] = [];
  for (let month = 0; month <= monthsAhead; month++) {
    const from = utcMonthStart(nowMs, month);
    const name = auditPartitionName(from);
    await createPartition(db, name, from, utcMonthStart(nowMs, month + 1));
    names.push(name);
  }
  return names;
}

async function createPartition(db: Db, name: string, fromMs: number, toMs: number): Promise<void> {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  try {
    // Partition DDL runs outside request transactions, with a short lock timeout (06 §4.6).
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
      // The name and bounds are computed from dates, never taken from input.
      await tx.execute(
        sql.raw(
          `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF audit_logs FOR VALUES FROM ('${from}') TO ('${to}')`,
        ),
      );
    });
  } catch (error) {
    // Two nodes racing past IF NOT EXISTS: the loser sees a duplicate catalog row or relation.
    const state = sqlStateOf(error);
    if (state !== "23505" && state !== "42P07") throw error;
  }
}
