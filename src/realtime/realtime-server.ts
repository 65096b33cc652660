// The realtime listener (spec 03 §1, 08 §2): uWebSockets.js serving `GET /ws/rooms/{roomId}` on its own
// port. All admission happens in `upgrade`; open sockets get `welcome`, commands, liveness and drain.

import * as uWS from "uWebSockets.js";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import {
  RealtimeLimitsSchema,
  RealtimeTerminationCode,
  RealtimeTerminationSchema,
  WelcomeSchema,
} from "../../gen/synctv/v1/realtime_pb.js";
import { isDomainError } from "../core/errors.js";
import type { LocalConnectionRegistry } from "../core/realtime-runtime/connection-runtime.js";
import type { RoomAccess } from "../core/rooms/room-access.js";
import type { Clock } from "../infra/clock.js";
import type { Logger } from "../infra/logging/logger.js";
import type { Random } from "../infra/random.js";
import type { ClientCommands } from "./client-commands.js";
import { decodeClientFrame, serverMessage } from "./frame-codec.js";
import type { ObservationHandler } from "./observation-handler.js";
import type { ConnectionPresence, PresenceSubject } from "./presence/connection-presence.js";
import { type ConnectionPolicy, RealtimeConnection } from "./realtime-connection.js";
import { terminationOfGateFailure } from "./termination-codes.js";
import { admitUpgrade, type UpgradeAdmissionDeps, type UpgradeRequest } from "./upgrade-admission.js";

export interface RealtimeServerOptions {
  host: string;
  port: number;
  admission: UpgradeAdmissionDeps;
  commands: ClientCommands;
  observations: ObservationHandler;
  /** The node's ConnectionRuntime: playback workers schedule the rooms registered here. */
  registry: Pick<LocalConnectionRegistry, "connect">;
  /** Re-validation of the actor on heartbeat (03 §2.2), at most every `revalidateEveryMs`. */
  access: Pick<RoomAccess, "enter">;
  limits: {
    maxFrameBytes: number;
    idleTimeoutSeconds: number;
    maxLifetimeSeconds: number;
    messagesPerSecond: number;
    maxObservations: number;
  };
  clock: Clock;
  random: Random;
  log: Logger;
  slowConsumerBytes?: number;
  revalidateEveryMs?: number;
  /** Presence and resume (03 §2.3); without it welcome carries a token that resumes nothing. */
  presence?: Pick<ConnectionPresence, "opened" | "closed" | "resumeWindowSeconds">;
}

export interface RealtimeServer {
  listen(): Promise<AddressInfo>;
  /** Connections open on this node right now. */
  connectionCount(): number;
  /** Inbound messages dropped by the per-connection rate limit since start. */
  droppedMessages(): number;
  /** Stops accepting, sends termination{SERVER_SHUTTING_DOWN} and closes every socket with 1012. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export const RESUME_WINDOW_SECONDS = 30;
export const HEARTBEAT_INTERVAL_SECONDS = 30;
const SHUTDOWN_CLOSE_CODE = 1012;

type SocketData = { connection: RealtimeConnection };

export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const { clock, log, limits } = options;
  const open = new Set<RealtimeConnection>();
  let listenSocket: uWS.us_listen_socket | null = null;
  let draining = false;
  let droppedTotal = 0;
  const closeWaiters = new Set<() => void>();
  const revalidateEveryMs = options.revalidateEveryMs ?? 30_000;
  const policy: ConnectionPolicy = {
    messagesPerSecond: limits.messagesPerSecond,
    slowConsumerBytes: options.slowConsumerBytes ?? 1024 * 1024,
    slowConsumerStrikes: 3,
  };

  const terminate = (connection: RealtimeConnection, code: RealtimeTerminationCode, message: string, close: number) => {
    connection.send(
      serverMessage({ case: "termination", value: create(RealtimeTerminationSchema, { code, message }) }),
    );
    connection.end(close, message);
  };
  const onSlowConsumer = (connection: RealtimeConnection) => {
    log.warn({ connection_id: connection.connectionId, room_id: connection.roomId }, "slow consumer disconnected");
    connection.end(1008, "slow consumer");
  };

  const revalidate = async (connection: RealtimeConnection) => {
    const now = clock.now();
    if (now - connection.lastValidatedAtMs < revalidateEveryMs) return;
    connection.lastValidatedAtMs = now;
    try {
      await options.access.enter(connection.actor, connection.roomId);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      const code = terminationOfGateFailure(err, connection.actor);
      terminate(connection, code, err.message, 1008);
    }
  };

  const app = uWS.App();
  app.ws<SocketData>("/ws/rooms/:roomId", {
    // uWS drops an oversized frame's connection without a close frame (1006); it gets headroom so
    // the application sees frames up to 4× the limit and closes them with 1009 as the spec requires.
    maxPayloadLength: limits.maxFrameBytes * 4,
    // uWS accepts 8–960 s (0 disables); the spec's 300 s default fits.
    idleTimeout: Math.min(960, Math.max(8, limits.idleTimeoutSeconds)),
    sendPingsAutomatically: true,
    maxBackpressure: policy.slowConsumerBytes * 4,
    closeOnBackpressureLimit: false,

    upgrade(res, req, context) {
      const request: UpgradeRequest = {
        roomPublicId: req.getParameter(0) ?? "",
        authorization: req.getHeader("authorization"),
        ticket: req.getQuery("ticket"),
        format: req.getQuery("format"),
        resume: req.getQuery("resume"),
        origin: req.getHeader("origin"),
        host: req.getHeader("host"),
        ip: Buffer.from(res.getRemoteAddressAsText()).toString(),
      };
      const key = req.getHeader("sec-websocket-key");
      const protocol = req.getHeader("sec-websocket-protocol");
      const extensions = req.getHeader("sec-websocket-extensions");
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      const answer = (status: number, reason: string) => {
        if (aborted) return;
        res.cork(() => {
          res.writeStatus(statusLine(status)).writeHeader("content-type", "text/plain").end(reason);
        });
      };
      if (draining) {
        answer(503, "server shutting down");
        return;
      }
      admitUpgrade(request, options.admission).then(
        (admission) => {
          if (!admission.ok) {
            answer(admission.status, admission.reason);
            return;
          }
          if (aborted || draining) {
            admission.connection.release();
            answer(503, "server shutting down");
            return;
          }
          const connection = new RealtimeConnection(
            options.random.token(12),
            admission.connection,
            clock.now(),
            policy,
            onSlowConsumer,
          );
          // Deliberately not inside res.cork: uWebSockets.js before uWebSockets v20.79 (PR #1929)
          // misses an asynchronous upgrade made inside res.cork when the socket's memory is
          // reallocated in place, then reads the new WebSocket's bytes as HTTP state and may close
          // it right after `open` with no close frame (1006). Uncorked, the upgrade only costs a
          // few small writes and uWS's "writes must be made from within a corked callback" warning.
          res.upgrade<SocketData>({ connection }, key, protocol, extensions, context);
        },
        (err: unknown) => {
          log.error({ err }, "websocket upgrade failed");
          answer(500, "internal error");
        },
      );
    },

    open(ws) {
      const { connection } = ws.getUserData();
      connection.socket = ws;
      open.add(connection);
      connection.releaseRuntime = options.registry.connect(connection.roomId);
      // Room events that end this connection (kicked, left, room deleted, guest revoked) apply
      // whether or not it observes anything.
      options.observations.connectionOpened?.(connection, (code, message) =>
        terminate(connection, code, message, 1008),
      );
      // Presence (03 §2.3): registers the connection (continuing a held presence on a valid
      // `?resume=`) and hands out the token that resumes this one.
      const resumeToken = options.presence?.opened(presenceSubjectOf(connection)) ?? randomUUID();
      const welcome = create(WelcomeSchema, {
        connectionId: connection.connectionId,
        resumeToken,
        serverTimeMs: BigInt(clock.now()),
        limits: create(RealtimeLimitsSchema, {
          maxObservations: limits.maxObservations,
          maxFrameBytes: limits.maxFrameBytes,
          maxMessagesPerSecond: limits.messagesPerSecond,
          heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS,
          idleTimeoutSeconds: limits.idleTimeoutSeconds,
          resumeWindowSeconds: options.presence?.resumeWindowSeconds ?? RESUME_WINDOW_SECONDS,
        }),
      });
      connection.send(serverMessage({ case: "welcome", value: welcome }));
    },

    message(ws, data, isBinary) {
      const { connection } = ws.getUserData();
      const receivedAtMs = clock.now();
      if (data.byteLength > limits.maxFrameBytes) {
        connection.end(1009, "message too big");
        return;
      }
      if (!connection.admitMessage(receivedAtMs)) {
        droppedTotal += 1;
        return;
      }
      // The ArrayBuffer is neutered when this callback returns: decode now, handle later.
      const frame = decodeClientFrame(connection.admitted.format, data, isBinary);
      if (frame.kind === "ignored") return;
      connection.queue = connection.queue.then(async () => {
        if (connection.closed) return;
        if (frame.kind === "malformed") {
          await options.commands.handleMalformed(connection, frame.reason);
          return;
        }
        if (frame.message.message.case === "heartbeat") await revalidate(connection);
        if (connection.closed) return;
        await options.commands.handle(connection, frame.message, receivedAtMs);
      });
      connection.queue = connection.queue.catch((err: unknown) => {
        log.error({ err, connection_id: connection.connectionId }, "realtime command failed");
      });
    },

    drain(ws) {
      ws.getUserData().connection.drained();
    },

    close(ws, code) {
      const { connection } = ws.getUserData();
      connection.closed = true;
      connection.socket = null;
      open.delete(connection);
      connection.releaseRuntime();
      connection.admitted.release();
      void options.presence?.closed(presenceSubjectOf(connection));
      options.observations.connectionClosed(connection);
      log.debug({ connection_id: connection.connectionId, code }, "realtime connection closed");
      if (open.size === 0) for (const wake of closeWaiters) wake();
    },
  });
  app.any("/*", (res, req) => {
    const onRoomPath = req.getUrl().startsWith("/ws/rooms/");
    res
      .writeStatus(onRoomPath ? "426 Upgrade Required" : "404 Not Found")
      .writeHeader("connection", "upgrade")
      .writeHeader("upgrade", "websocket")
      .end(onRoomPath ? "WebSocket upgrade required" : "Not found");
  });

  // A connection lives at most max_lifetime_seconds (an application timer; uWS maxLifetime tops out at 239 min).
  const lifetimeMs = limits.maxLifetimeSeconds * 1000;
  const lifetimeSweep = setInterval(
    () => {
      const now = clock.now();
      for (const connection of open) {
        if (now - connection.openedAtMs >= lifetimeMs) {
          terminate(connection, RealtimeTerminationCode.CONNECTION_REVOKED, "connection lifetime reached", 1000);
        }
      }
    },
    Math.min(60_000, Math.max(1000, lifetimeMs / 4)),
  );
  lifetimeSweep.unref();

  const stopListening = () => {
    if (listenSocket !== null) {
      uWS.us_listen_socket_close(listenSocket);
      listenSocket = null;
    }
  };

  return {
    listen() {
      return new Promise((resolve, reject) => {
        app.listen(options.host, options.port, (socket) => {
          if (!socket) {
            reject(new Error(`realtime listener could not bind ${options.host}:${options.port}`));
            return;
          }
          listenSocket = socket;
          const port = uWS.us_socket_local_port(socket as unknown as uWS.us_socket);
          resolve({ address: options.host, family: options.host.includes(":") ? "IPv6" : "IPv4", port });
        });
      });
    },
    connectionCount: () => open.size,
    droppedMessages: () => droppedTotal,
    async drain(timeoutMs) {
      draining = true;
      stopListening();
      if (open.size === 0) return;
      const allClosed = new Promise<void>((resolve) => closeWaiters.add(resolve));
      for (const connection of [...open]) {
        terminate(
          connection,
          RealtimeTerminationCode.SERVER_SHUTTING_DOWN,
          "server shutting down; reconnect",
          SHUTDOWN_CLOSE_CODE,
        );
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        allClosed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    async close() {
      draining = true;
      clearInterval(lifetimeSweep);
      stopListening();
      // Forcefully closes whatever survived the drain.
      app.close();
    },
  };
}

function presenceSubjectOf(connection: RealtimeConnection): PresenceSubject {
  return {
    connectionId: connection.connectionId,
    actor: connection.actor,
    roomId: connection.roomId,
    role: connection.admitted.role,
    resumeRequested: connection.admitted.resumeRequested,
  };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? "Error"}`;
}
