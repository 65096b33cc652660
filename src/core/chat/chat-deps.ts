// What the chat core needs from the node: the database and its one observable writer, the room access
// gate, runtime settings (chat.maxMessagesPerRoom), the send budget and injected time.
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { RoomAccess } from "../rooms/room-access.js";
import type { RuntimeSettingsSource } from "../settings/runtime-settings.js";
import type { ChatPartitionGate } from "./chat-partition-gate.js";
import type { ChatSendBudget } from "./chat-rate-limiter.js";

export interface ChatDeps {
  database: Database;
  writer: ObservableWriter;
  access: RoomAccess;
  settings: RuntimeSettingsSource;
  clock: Clock;
  budget: ChatSendBudget;
  partitions: ChatPartitionGate;
}
