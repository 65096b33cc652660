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
import { type ObservationHandler, unavailableObservations } from "./observation-handler.js";
import { createRealtimeServer, type RealtimeServer } from "./realtime-server.js";

/** At most 64 observations per connection (03 §2). */
const MAX_OBSERVATIONS = 64;

export interface RealtimeAssemblyInput {
  config: Config;
  auth: Pick<Awaited<ReturnType<typeof assembleAuth>>, "verifier" | "ids" | "limiter">;
  rooms: Pick<ReturnType<typeof assembleRooms>, "access" | "playback">;
  tickets: WebSocketTickets;
  registry: Pick<LocalConnectionRegistry, "connect">;
  /** The room hub's observation handler once it exists; until then observations answer 9004. */
  observations?: ObservationHandler;
  clock: Clock;
  log: Logger;
}

export interface RunningRealtime {
  server: RealtimeServer;
  address: AddressInfo;
  webSocketUrl(roomPublicId: string): string;
}

export async function startRealtimeListener(input: RealtimeAssemblyInput): Promise<RunningRealtime> {
  const { config, auth, rooms, clock, log } = input;
  const limits = config.connection_limits;
  const observations = input.observations ?? unavailableObservations;
  const server = createRealtimeServer({
    host: config.realtime.host,
    port: config.realtime.port,
    admission: {
      verifier: auth.verifier,
      tickets: input.tickets,
      access: rooms.access,
      ids: auth.ids,
      limiter: auth.limiter,
      limits: new ConnectionLimits({
        perActor: limits.per_actor,
        perRoom: limits.per_room,
        perNode: limits.per_node,
      }),
      allowedOrigins: config.server.cors_allowed_origins,
      publicUrl: config.realtime.public_url,
    },
    commands: new ClientCommands({
      transitions: rooms.playback.transitions,
      observations,
      ids: auth.ids,
      clock,
      onUnexpected: (err, connection) =>
        log.error({ err, connection_id: connection.connectionId }, "realtime handler failed"),
    }),
    observations,
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
  return { server, address, webSocketUrl: (roomPublicId) => `${base}/ws/rooms/${roomPublicId}` };
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
