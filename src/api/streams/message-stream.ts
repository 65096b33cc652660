// RealtimeService.MessageStream (spec 02 §3.7, 03 §1): the WebSocket protocol over one HTTP/2 stream.
// The room comes from header synctv-room-id; after admission the client gets `welcome`, and every
// ClientMessage goes through the same ClientCommands as a WebSocket frame, in arrival order. The
// stream ends when the client closes its side (once the pending commands have answered), cancels, or
// the server terminates it.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  type ClientMessage,
  RealtimeLimitsSchema,
  RealtimeTerminationSchema,
  type ServerMessage,
  WelcomeSchema,
} from "../../../gen/synctv/v1/realtime_pb.js";
import type { RealtimeService } from "../../../gen/synctv/v1/realtime_service_pb.js";
import { invalidArgument } from "../../core/errors.js";
import { serverMessage } from "../../realtime/frame-codec.js";
import type { RealtimeStreamBackend } from "../../realtime/realtime-stream-backend.js";
import { InboundMessageBudget } from "./inbound-message-budget.js";
import type { StreamSession, StreamSessions } from "./stream-session.js";

export const ROOM_ID_HEADER = "synctv-room-id";
const ROOM_ID_SHAPE = /^room_[A-Za-z0-9]+$/;

type MessageStreamBackend = Pick<RealtimeStreamBackend, "commands" | "presence" | "settings" | "clock">;

export interface MessageStreamDeps {
  sessions: StreamSessions;
  backend: MessageStreamBackend;
}

export function messageStreamHandler(
  deps: MessageStreamDeps,
): Pick<ServiceImpl<typeof RealtimeService>, "messageStream"> {
  const { backend } = deps;
  return {
    async *messageStream(requests, ctx) {
      const session = await deps.sessions.open(ctx, roomIdOf(ctx), {
        idleTimeout: true,
        terminate: (connection, ending) => {
          connection.send(
            serverMessage({
              case: "termination",
              value: create(RealtimeTerminationSchema, { code: ending.code, message: ending.error.message }),
            }),
          );
          connection.end();
        },
      });
      const { connection } = session;
      // Presence as for a socket (03 §2.3); resuming a held presence is a WebSocket feature for now.
      const presence = {
        connectionId: connection.connectionId,
        actor: connection.actor,
        roomId: connection.roomId,
        role: session.role,
        resumeRequested: "",
      };
      try {
        const resumeToken = backend.presence?.opened(presence) ?? randomUUID();
        connection.send(welcomeFor(connection.connectionId, resumeToken, backend));
        void handleInbound(requests, session, backend);
        for await (const message of connection.messages()) {
          yield message;
          // A termination (ours or the hub's) is the last message of a connection.
          if (message.message.case === "termination") return;
        }
      } finally {
        session.close();
        void backend.presence?.closed(presence);
      }
    },
  };
}

/**
 * Runs the client's messages one after another, as the WebSocket queue does. When the client closes
 * its side the stream ends after the answers sent so far; a transport failure (a message over the
 * size limit: RESOURCE_EXHAUSTED) ends it with that error.
 */
async function handleInbound(
  requests: AsyncIterable<ClientMessage>,
  session: StreamSession,
  backend: MessageStreamBackend,
): Promise<void> {
  const { connection } = session;
  const budget = new InboundMessageBudget(backend.settings.messagesPerSecond);
  try {
    for await (const message of requests) {
      if (connection.closed) return;
      const receivedAtMs = backend.clock.now();
      session.touch();
      // Over the per-connection rate the message is dropped, as on the WebSocket (03 §1.2).
      if (!budget.admit(receivedAtMs)) continue;
      await backend.commands.handle(connection, message, receivedAtMs);
    }
    connection.end();
  } catch (err) {
    connection.fail(err);
  }
}

function roomIdOf(ctx: HandlerContext): string {
  const roomId = ctx.requestHeader.get(ROOM_ID_HEADER) ?? "";
  if (roomId.length > 64 || !ROOM_ID_SHAPE.test(roomId)) {
    throw invalidArgument(`Header ${ROOM_ID_HEADER} must name the room (room_…)`, {
      fieldViolations: [
        {
          field: ROOM_ID_HEADER,
          rule: roomId === "" ? "required" : "string.pattern",
          description: "the room to connect to, e.g. room_abc",
        },
      ],
    });
  }
  return roomId;
}

function welcomeFor(connectionId: string, resumeToken: string, backend: MessageStreamBackend): ServerMessage {
  const { settings } = backend;
  return serverMessage({
    case: "welcome",
    value: create(WelcomeSchema, {
      connectionId,
      resumeToken,
      serverTimeMs: BigInt(backend.clock.now()),
      limits: create(RealtimeLimitsSchema, {
        maxObservations: settings.maxObservations,
        maxFrameBytes: settings.maxFrameBytes,
        maxMessagesPerSecond: settings.messagesPerSecond,
        heartbeatIntervalSeconds: settings.heartbeatIntervalSeconds,
        idleTimeoutSeconds: settings.idleTimeoutSeconds,
        resumeWindowSeconds: backend.presence?.resumeWindowSeconds ?? settings.resumeWindowSeconds,
      }),
    }),
  });
}
