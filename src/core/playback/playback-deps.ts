// What the playback core needs from the node: the database and its one observable writer, the room
// access gate, and injected time, randomness, scheduling lead and backoff sleep (tests drive them).
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { Random } from "../../infra/random.js";
import type { ChatSystemHooks } from "../chat/chat-system-messages.js";
import type { RoomAccess } from "../rooms/room-access.js";

export interface PlaybackDeps {
  database: Database;
  writer: ObservableWriter;
  access: RoomAccess;
  clock: Clock;
  random: Random;
  /**
   * How far ahead a start is scheduled for this room (03 §3.3): the node's RoomSyncStats, i.e.
   * clamp(2 × p95 of the room's client_report RTTs, 150, 1000). Absent (narrow tests) → 150 ms.
   */
  leadMs?: (roomId: number) => number;
  /** Backoff between compare-and-set attempts; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
  /** Writes SYSTEM_PLAYBACK_CHANGED in the transition's transaction; absent in narrow tests. */
  chat?: ChatSystemHooks;
}
