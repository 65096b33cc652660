// Daily range partitions (spec 06 §4.6): creates `<table>_YYYY_MM_DD` partitions ahead of time and
// counts the future ones for readiness. Idempotent, so every node and the leader may run it.
import { sql } from "drizzle-orm";
import type { Db } from "../database-port.js";
import { SqlState, sqlStateOf } from "../sql-state.js";

const DAY_MS = 86_400_000;

/** Tables partitioned by day on `created_at`; names are never taken from input. */
export type DailyPartitionedTable = "room_playback_history" | "chat_messages";

/** Midnight UTC of the day holding `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `room_playback_history_2025_01_31` for the UTC day starting at `dayStartMs`. */
export function dailyPartitionName(table: DailyPartitionedTable, dayStartMs: number): string {
  const iso = new Date(dayStartMs).toISOString();
  return `${table}_${iso.slice(0, 4)}_${iso.slice(5, 7)}_${iso.slice(8, 10)}`;
}

/**
 * Creates the partitions of the day holding `nowMs` and the `daysAhead` following days; returns the
 * names created or already present. Each day runs in its own short transaction with a 5 s
 * lock_timeout, outside request work (06 §4.6).
 */
export async function ensureDailyPartitions(
  db: Db,
  table: DailyPartitionedTable,
  nowMs: number,
  daysAhead: number,
): Promise<string[]> {
  if (!Number.isInteger(daysAhead) || daysAhead < 0) throw new RangeError("daysAhead must be a non-negative integer");
  const first = utcDayStart(nowMs);
  const names: string[] = [];
  for (let day = 0; day <= daysAhead; day++) {
    const from = first + day * DAY_MS;
    const name = dailyPartitionName(table, from);
    await createPartition(db, table, name, from, from + DAY_MS);
    names.push(name);
  }
  return names;
}

async function createPartition(db: Db, table: string, name: string, fromMs: number, toMs: number): Promise<void> {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
      // Identifiers and bounds come from the fixed table type and computed dates, never from input.
      await tx.execute(
        sql.raw(
          `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${table}" FOR VALUES FROM ('${from}') TO ('${to}')`,
        ),
      );
    });
  } catch (error) {
    // Two nodes creating the same day race past IF NOT EXISTS; the loser sees a duplicate catalog row.
    const state = sqlStateOf(error);
    if (state !== SqlState.uniqueViolation && state !== "42P07") throw error;
  }
}

/** How many partitions of `table` start after the day holding `nowMs` (readiness wants ≥ 2). */
export async function countFutureDailyPartitions(db: Db, table: DailyPartitionedTable, nowMs: number): Promise<number> {
  const rows = await db.execute<{ name: string }>(
    sql`SELECT c.relname AS name FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ${table}`,
  );
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { name: string }[] }).rows;
  const today = dailyPartitionName(table, utcDayStart(nowMs));
  // Names sort chronologically (zero-padded dates), so a string compare finds the later days.
  return list.filter((r) => r.name > today).length;
}
