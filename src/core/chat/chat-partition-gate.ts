// Chat inserts need today's daily partition (spec 06 §4.6: there is no DEFAULT partition), and partition
// DDL must run outside request transactions. Chat writes and the transitions that write system messages
// pass this gate first: once per UTC day and process it creates today's and tomorrow's partitions.
import type { Db } from "../../infra/db/database-port.js";
import { ensureChatMessagePartitions } from "../../infra/db/partitions/chat-message-partitions.js";
import { utcDayStart } from "../../infra/db/partitions/daily-partitions.js";

export class ChatPartitionGate {
  #readyDay = -1;
  #pending: Promise<void> | null = null;

  constructor(private readonly db: Db) {}

  async ensure(nowMs: number): Promise<void> {
    const day = utcDayStart(nowMs);
    if (day === this.#readyDay) return;
    // Concurrent first writes share one creation instead of racing on the catalog.
    this.#pending ??= ensureChatMessagePartitions(this.db, nowMs, 1).then(
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
