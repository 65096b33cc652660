// Partitions of `chat_messages` (spec 06 §4.6): every node creates today's and tomorrow's before serving,
// and the chat partition gate repeats it once per UTC day before chat writes.
import type { Db } from "../database-port.js";
import { countFutureDailyPartitions, ensureDailyPartitions } from "./daily-partitions.js";

/** Creates the chat partitions for the day of `nowMs` and `daysAhead` more days (default: the next one). */
export function ensureChatMessagePartitions(db: Db, nowMs: number, daysAhead = 1): Promise<string[]> {
  return ensureDailyPartitions(db, "chat_messages", nowMs, daysAhead);
}

/** Future chat partitions; readiness is degraded below 2. */
export function futureChatMessagePartitions(db: Db, nowMs: number): Promise<number> {
  return countFutureDailyPartitions(db, "chat_messages", nowMs);
}
