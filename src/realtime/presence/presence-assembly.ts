// Builds the node's presence for the composition root: resume tokens and the PresenceTracker on the
// shared store (Redis across nodes, process memory alone), the per-room sync stats, and the
// connection glue the WebSocket listener uses.
import { usernameOf } from "../../core/members/member-views.js";
import { PresenceTracker } from "../../core/realtime-runtime/presence-tracker.js";
import { ResumeTokens } from "../../core/realtime-runtime/resume-tokens.js";
import { RoomSyncStats } from "../../core/realtime-runtime/room-sync-stats.js";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { Logger } from "../../infra/logging/logger.js";
import { cryptoRandom } from "../../infra/random.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { ConnectionPresence } from "./connection-presence.js";

export interface PresenceAssemblyInput {
  nodeId: string;
  store: ShortLivedStore;
  database: Database;
  resumeWindowMs: number;
  clock: Clock;
  log: Logger;
}

export interface NodePresence {
  tracker: PresenceTracker;
  stats: RoomSyncStats;
  connections: ConnectionPresence;
  /** The room's scheduled-start lead from its reported RTTs (03 §3.3). */
  leadMs(roomId: number): number;
  close(): Promise<void>;
}

export async function assemblePresence(input: PresenceAssemblyInput): Promise<NodePresence> {
  const { store, clock, log } = input;
  const onError = (err: unknown, context: string) => log.warn({ err, context }, "presence degraded");
  const tracker = new PresenceTracker({
    store,
    clock,
    nodeId: input.nodeId,
    tokens: new ResumeTokens({ store, random: cryptoRandom }, input.resumeWindowMs),
    onError,
  });
  await tracker.start();
  const stats = new RoomSyncStats();
  const connections = new ConnectionPresence({
    tracker,
    stats,
    usernameOf: (userId) => usernameOf(input.database.db, userId),
    clock,
    onError,
  });
  return {
    tracker,
    stats,
    connections,
    leadMs: (roomId) => stats.leadMs(roomId, clock.now()),
    close: () => tracker.close(),
  };
}
