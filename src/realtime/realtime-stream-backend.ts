// What the API port's realtime streams (MessageStream, Watch*) share with the WebSocket listener
// (spec 03 §1): the same observation handler, command handler, connection budget and room registry.
import type { LocalConnectionRegistry } from "../core/realtime-runtime/connection-runtime.js";
import type { Clock } from "../infra/clock.js";
import type { Logger } from "../infra/logging/logger.js";
import type { Random } from "../infra/random.js";
import type { ClientCommands } from "./client-commands.js";
import type { ConnectionLimits } from "./connection-limits.js";
import type { ObservationHandler } from "./observation-handler.js";
import type { ConnectionPresence } from "./presence/connection-presence.js";

export interface RealtimeStreamSettings {
  maxObservations: number;
  maxFrameBytes: number;
  messagesPerSecond: number;
  idleTimeoutSeconds: number;
  maxLifetimeSeconds: number;
  heartbeatIntervalSeconds: number;
  resumeWindowSeconds: number;
}

export interface RealtimeStreamBackend {
  observations: ObservationHandler;
  commands: Pick<ClientCommands, "handle">;
  /** The listener's per actor / room / node budget: every stream takes one slot, like a socket. */
  limits: Pick<ConnectionLimits, "reserve">;
  /** The node's ConnectionRuntime: playback workers schedule the rooms registered here. */
  registry: Pick<LocalConnectionRegistry, "connect">;
  /** Presence and resume tokens (03 §2.3): MessageStream registers like a socket; Watch* do not. */
  presence?: Pick<ConnectionPresence, "opened" | "closed" | "resumeWindowSeconds">;
  settings: RealtimeStreamSettings;
  clock: Clock;
  random: Random;
  log: Logger;
}
