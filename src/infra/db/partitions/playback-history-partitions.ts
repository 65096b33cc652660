// Partitions of `room_playback_history` (spec 06 §4.6): every node calls ensureHistoryPartitions
// before serving, so history inserts never depend on a leader having run.
import type { Db } from "../database-port.js";
import { countFutureDailyPartitions, ensureDailyPartitions } from "./daily-partitions.js";

/** The leader keeps this many days ahead (06 §4.6); a node start needs only today and tomorrow. */
export const HISTORY_PARTITION_DAYS_AHEAD = 30;

/** Creates the history partitions for the day of `nowMs` and `daysAhead` more days (default: the next one). */
export function ensureHistoryPartitions(db: Db, nowMs: number, daysAhead = 1): Promise<string[]> {
  return ensureDailyPartitions(db, "room_playback_history", nowMs, daysAhead);
}

/** Future history partitions; readiness is degraded below 2. */
export function futureHistoryPartitions(db: Db, nowMs: number): Promise<number> {
  return countFutureDailyPartitions(db, "room_playback_history", nowMs);
}
