// Inserts into a daily-partitioned table need today's partition (spec 06 §4.6: there is no DEFAULT
// partition), and partition DDL must run outside request transactions. Writers pass this gate first:
// once per UTC day and process it creates today's and tomorrow's partitions (idempotent; the leader
// keeps more days ahead).
import type { Db } from "../database-port.js";
import { utcDayStart } from "./daily-partitions.js";

export type EnsureDailyPartitions = (db: Db, nowMs: number, daysAhead: number) => Promise<unknown>;

export class DailyPartitionGate {
  #readyDay = -1;
  #pending: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly ensurePartitions: EnsureDailyPartitions,
  ) {}

  async ensure(nowMs: number): Promise<void> {
    const day = utcDayStart(nowMs);
    if (day === this.#readyDay) return;
    // Concurrent first writes share one creation instead of racing on the catalog.
    this.#pending ??= this.ensurePartitions(this.db, nowMs, 1).then(
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
