// Source changes record history rows: they pass this gate before their transaction.
import type { Db } from "../../infra/db/database-port.js";
import { DailyPartitionGate } from "../../infra/db/partitions/daily-partition-gate.js";
import { ensureHistoryPartitions } from "../../infra/db/partitions/playback-history-partitions.js";

export class HistoryPartitionGate extends DailyPartitionGate {
  constructor(db: Db) {
    super(db, ensureHistoryPartitions);
  }
}
