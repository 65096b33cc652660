// Chat writes and the transitions that write system messages pass this gate before their transaction.
import type { Db } from "../../infra/db/database-port.js";
import { ensureChatMessagePartitions } from "../../infra/db/partitions/chat-message-partitions.js";
import { DailyPartitionGate } from "../../infra/db/partitions/daily-partition-gate.js";

export class ChatPartitionGate extends DailyPartitionGate {
  constructor(db: Db) {
    super(db, ensureChatMessagePartitions);
  }
}
