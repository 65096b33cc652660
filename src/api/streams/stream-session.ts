// Admits one realtime API stream and keeps it honest while it is open. Admission is the WebSocket
// upgrade's (03 §1.1): the caller from the auth interceptor, RoomAccess.enter, a slot in the shared
// connection budget and the room's entry in the ConnectionRuntime. While open, the actor is
// re-validated, the lifetime (and, for MessageStream, the idle time) is enforced and a shutdown ends
// the stream; `close()` releases everything exactly once.
import type { HandlerContext } from "@connectrpc/connect";
import { RealtimeTerminationCode } from "../../../gen/synctv/v1/realtime_pb.js";
import { DomainError, isDomainError, rateLimited, serviceUnavailable, timeout } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { RoomRole } from "../../core/permissions/index.js";
import type { TicketActor } from "../../core/realtime/websocket-tickets.js";
import type { RoomAccess } from "../../core/rooms/room-access.js";
import type { RealtimeStreamBackend } from "../../realtime/realtime-stream-backend.js";
import { terminationOfGateFailure } from "../../realtime/termination-codes.js";
import { actorKey } from "../../realtime/upgrade-admission.js";
import { callerOf } from "../caller.js";
import type { ServingState } from "../health/grpc-health.js";
import { StreamConnection } from "./stream-connection.js";

export interface RealtimeStreamDeps {
  backend: RealtimeStreamBackend;
  access: Pick<RoomAccess, "enter">;
  ids: PublicIdCodec;
  serving: ServingState;
  /** How often an open stream re-checks its actor against the room gate (03 §2.2). */
  revalidateEveryMs?: number;
  /** Outbound messages a stream buffers for a consumer that is not reading before it is cut off. */
  maxBufferedMessages?: number;
}

/** Why the server ends a stream on purpose; each stream kind tells its client in its own way. */
export interface StreamEnding {
  code: RealtimeTerminationCode;
  /** The status a stream without termination messages (Watch*) ends with. */
  error: DomainError;
}

export interface StreamSessionOptions {
  /** MessageStream: no inbound message for idle_timeout_seconds ends it (Watch* have no inbound side). */
  idleTimeout: boolean;
  /** Tells the client why the stream ends, then ends the connection. */
  terminate(connection: StreamConnection, ending: StreamEnding): void;
}

export interface StreamSession {
  readonly connection: StreamConnection;
  /** The actor's role in the room at admission. */
  readonly role: RoomRole;
  /** Records inbound activity (idle timeout). */
  touch(): void;
  /** Drops the stream's observations and frees its slot and registry entry; idempotent. */
  close(): void;
}

const DEFAULT_REVALIDATE_EVERY_MS = 30_000;

export interface StreamSessions {
  /** Throws the gate's domain error (UNAUTHENTICATED, NOT_FOUND, PERMISSION_DENIED, …) when not admitted. */
  open(ctx: HandlerContext, roomPublicId: string, options: StreamSessionOptions): Promise<StreamSession>;
}

export function streamSessions(deps: RealtimeStreamDeps): StreamSessions {
  // One shutdown hook for all streams, so a closed stream is not kept alive by the serving promise.
  const open = new Set<(ending: StreamEnding) => void>();
  void deps.serving.stopped.then(() => {
    for (const end of [...open]) end(shuttingDown());
  });
  return {
    async open(ctx, roomPublicId, options) {
      const session = await openSession(deps, ctx, roomPublicId, options, () => open.delete(end));
      const end = (ending: StreamEnding) => session.end(ending);
      open.add(end);
      if (!deps.serving.isServing()) end(shuttingDown());
      return session;
    },
  };
}

function shuttingDown(): StreamEnding {
  return {
    code: RealtimeTerminationCode.SERVER_SHUTTING_DOWN,
    error: serviceUnavailable("Server shutting down; reconnect"),
  };
}

async function openSession(
  deps: RealtimeStreamDeps,
  ctx: HandlerContext,
  roomPublicId: string,
  options: StreamSessionOptions,
  onClose: () => void,
): Promise<StreamSession & { end(ending: StreamEnding): void }> {
  const { backend } = deps;
  const { clock } = backend;
  const roomId = deps.ids.decode("room", roomPublicId);
  const caller = await callerOf(ctx);
  const room = await deps.access.enter(caller, roomId);
  // enter() admits members and this room's guests: the actors a realtime connection can carry.
  const actor = room.actor as TicketActor;
  const releaseSlot = backend.limits.reserve(actorKey(actor), roomId);
  if (releaseSlot === null) throw rateLimited(0, "Connection limit reached");
  const releaseRuntime = backend.registry.connect(roomId);

  const connection = new StreamConnection({
    connectionId: backend.random.token(12),
    actor,
    roomId,
    roomPublicId,
    ...(deps.maxBufferedMessages === undefined ? {} : { maxBufferedMessages: deps.maxBufferedMessages }),
  });
  const openedAtMs = clock.now();
  let lastInboundMs = openedAtMs;
  let closed = false;
  const end = (ending: StreamEnding) => {
    if (!connection.closed) options.terminate(connection, ending);
  };

  // Room events that end the connection (kicked, room deleted, guest revoked) reach it from now on.
  backend.observations.connectionOpened?.(connection, (code, message) =>
    end({ code, error: errorOfTermination(code, message) }),
  );
  // The client cancelled or went away (RST_STREAM, a closed HTTP/1.1 response).
  const onAbort = () => connection.end();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal.aborted) connection.end();

  let checking = false;
  const check = async () => {
    if (checking || connection.closed) return;
    checking = true;
    try {
      const now = clock.now();
      if (now - openedAtMs >= backend.settings.maxLifetimeSeconds * 1000) {
        end({
          code: RealtimeTerminationCode.CONNECTION_REVOKED,
          error: serviceUnavailable("Stream lifetime reached; reconnect"),
        });
        return;
      }
      if (options.idleTimeout && now - lastInboundMs >= backend.settings.idleTimeoutSeconds * 1000) {
        connection.fail(timeout("Stream idle timeout: send a heartbeat"));
        return;
      }
      await deps.access.enter(actor, roomId);
    } catch (err) {
      if (!isDomainError(err)) {
        backend.log.error({ err, connection_id: connection.connectionId }, "stream re-validation failed");
        return;
      }
      end({ code: terminationOfGateFailure(err, actor), error: err });
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), deps.revalidateEveryMs ?? DEFAULT_REVALIDATE_EVERY_MS);
  timer.unref();

  return {
    connection,
    role: room.role,
    end,
    touch() {
      lastInboundMs = clock.now();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      ctx.signal.removeEventListener("abort", onAbort);
      onClose();
      connection.end();
      backend.observations.connectionClosed(connection);
      releaseRuntime();
      releaseSlot();
    },
  };
}

/** The status a Watch* stream ends with when the hub terminates its connection. */
export function errorOfTermination(code: RealtimeTerminationCode, message: string): DomainError {
  switch (code) {
    case RealtimeTerminationCode.SERVER_SHUTTING_DOWN:
    case RealtimeTerminationCode.CONNECTION_REVOKED:
      return serviceUnavailable(message || "Stream ended; reconnect");
    case RealtimeTerminationCode.ROOM_DELETED:
      return new DomainError("NOT_FOUND", message || "Room not found");
    case RealtimeTerminationCode.USER_ACCESS_REVOKED:
      return new DomainError("UNAUTHENTICATED", message || "Access revoked");
    default:
      return new DomainError("PERMISSION_DENIED", message || "Room access revoked");
  }
}
