// History inserts need today's daily partition (spec 06 §4.6: there is no DEFAULT partition). Partition DDL
// must run outside request transactions, so source changes pass this gate first: once per UTC day and
// process it creates today's and tomorrow's partitions (idempotent; the leader keeps 30 days ahead).
import type { Db } from "../../infra/db/database-port.js";
import { utcDayStart } from "../../infra/db/partitions/daily-partitions.js";
import { ensureHistoryPartitions } from "../../infra/db/partitions/playback-history-partitions.js";

export class HistoryPartitionGate {
  #readyDay = -1;
  #pending: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  async ensure(nowMs: number): Promise<void> {
    const day = utcDayStart(nowMs);
    if (day === this.#readyDay) return;
    // Concurrent first requests share one creation instead of racing on the catalog.
    this.#pending ??= ensureHistoryPartitions(this.db, nowMs, 1).then(
      () => {
        this.#readyDay = day;
        this.#pending = null;
      },
      (error: unknown) => {
        this.#pending = null;
        throw error;
      },
    );
    await this.#pending;
  }
}
