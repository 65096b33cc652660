// Builds and starts the realtime listener for the composition root from the node's config, auth and
// room graph, so main.ts only starts and stops it.
import type { AddressInfo } from "node:net";
import type { assembleAuth } from "../auth-assembly.js";
import type { WebSocketTickets } from "../core/realtime/websocket-tickets.js";
import type { LocalConnectionRegistry } from "../core/realtime-runtime/connection-runtime.js";
import type { Clock } from "../infra/clock.js";
import type { Config } from "../infra/config/load.js";
import type { Logger } from "../infra/logging/logger.js";
import { cryptoRandom } from "../infra/random.js";
import type { assembleRooms } from "../rooms-assembly.js";
import { ClientCommands } from "./client-commands.js";
import { ConnectionLimits } from "./connection-limits.js";
import { MAX_OBSERVATIONS_PER_CONNECTION as MAX_OBSERVATIONS } from "./observation/room-observations.js";
import { type ObservationHandler, unavailableObservations } from "./observation-handler.js";
import type { ConnectionPresence } from "./presence/connection-presence.js";
import {
  createRealtimeServer,
  HEARTBEAT_INTERVAL_SECONDS,
  RESUME_WINDOW_SECONDS,
  type RealtimeServer,
} from "./realtime-server.js";
import type { RealtimeStreamBackend } from "./realtime-stream-backend.js";

export interface RealtimeAssemblyInput {
  config: Config;
  auth: Pick<Awaited<ReturnType<typeof assembleAuth>>, "verifier" | "ids" | "limiter">;
  rooms: Pick<ReturnType<typeof assembleRooms>, "access" | "playback"> &
    Partial<Pick<ReturnType<typeof assembleRooms>, "chat">>;
  tickets: WebSocketTickets;
  registry: Pick<LocalConnectionRegistry, "connect">;
  /** The node's RoomObservations (observation/index.ts); without it observations answer 9004. */
  observations?: ObservationHandler;
  /** Presence, resume tokens and client reports (03 §2.3, §4.5); see presence/presence-assembly.ts. */
  presence?: ConnectionPresence;
  clock: Clock;
  log: Logger;
}

export interface RunningRealtime {
  server: RealtimeServer;
  address: AddressInfo;
  webSocketUrl(roomPublicId: string): string;
  /** What the API port's MessageStream and Watch* streams share with this listener (one contract). */
  streams: RealtimeStreamBackend;
}

export async function startRealtimeListener(input: RealtimeAssemblyInput): Promise<RunningRealtime> {
  const { config, auth, rooms, clock, log } = input;
  const limits = config.connection_limits;
  const observations = input.observations ?? unavailableObservations;
  // One connection budget for sockets and API streams: a MessageStream or Watch* stream takes a slot.
  const connectionLimits = new ConnectionLimits({
    perActor: limits.per_actor,
    perRoom: limits.per_room,
    perNode: limits.per_node,
  });
  const commands = new ClientCommands({
    transitions: rooms.playback.transitions,
    ...(rooms.chat ? { chat: rooms.chat.messages } : {}),
    observations,
    ...(input.presence ? { reports: input.presence } : {}),
    ids: auth.ids,
    clock,
    onUnexpected: (err, connection) =>
      log.error({ err, connection_id: connection.connectionId }, "realtime handler failed"),
  });
  const server = createRealtimeServer({
    host: config.realtime.host,
    port: config.realtime.port,
    admission: {
      verifier: auth.verifier,
      tickets: input.tickets,
      access: rooms.access,
      ids: auth.ids,
      limiter: auth.limiter,
      limits: connectionLimits,
      allowedOrigins: config.server.cors_allowed_origins,
      publicUrl: config.realtime.public_url,
    },
    commands,
    observations,
    ...(input.presence ? { presence: input.presence } : {}),
    registry: input.registry,
    access: rooms.access,
    limits: {
      maxFrameBytes: limits.max_frame_bytes,
      idleTimeoutSeconds: limits.idle_timeout_seconds,
      maxLifetimeSeconds: limits.max_lifetime_seconds,
      messagesPerSecond: limits.messages_per_second,
      maxObservations: MAX_OBSERVATIONS,
    },
    clock,
    random: cryptoRandom,
    log,
  });
  const address = await server.listen();
  const base =
    config.realtime.public_url !== ""
      ? config.realtime.public_url.replace(/\/+$/, "")
      : `ws://${hostForUrl(config.realtime.host)}:${address.port}`;
  return {
    server,
    address,
    webSocketUrl: (roomPublicId) => `${base}/ws/rooms/${roomPublicId}`,
    streams: {
      observations,
      commands,
      limits: connectionLimits,
      registry: input.registry,
      ...(input.presence ? { presence: input.presence } : {}),
      settings: {
        maxObservations: MAX_OBSERVATIONS,
        maxFrameBytes: limits.max_frame_bytes,
        messagesPerSecond: limits.messages_per_second,
        idleTimeoutSeconds: limits.idle_timeout_seconds,
        maxLifetimeSeconds: limits.max_lifetime_seconds,
        heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS,
        resumeWindowSeconds: RESUME_WINDOW_SECONDS,
      },
      clock,
      random: cryptoRandom,
      log,
    },
  };
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
