// What each ClientMessage does (spec 03 §1.2). Playback commands run the same core transitions as
// the unary PlaybackService RPCs, with the connection's actor and room; a failure becomes an `error`
// message and the connection stays open.
import { create } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { createValidator } from "@bufbuild/protovalidate";
import type { SendChatMessageRequest } from "../../gen/synctv/v1/chat_service_pb.js";
import { PlaybackUpdateType } from "../../gen/synctv/v1/playback_pb.js";
import type { StartPlaybackRequest, UpdatePlaybackStateRequest } from "../../gen/synctv/v1/playback_service_pb.js";
import {
  type ClientMessage,
  ClientMessageSchema,
  ErrorMessageSchema,
  HeartbeatAckSchema,
  type ServerMessage,
} from "../../gen/synctv/v1/realtime_pb.js";
import { toErrorInfo } from "../api/error-info.js";
import { chatMessageRefOf } from "../api/mappers/chat.js";
import type { ChatMessages } from "../core/chat/chat-messages.js";
import { DomainError, invalidArgument, isDomainError, unimplemented } from "../core/errors.js";
import type { PublicIdCodec } from "../core/ids/public-id-codec.js";
import type { PlaybackTransitions } from "../core/playback/playback-transitions.js";
import { startSourceFrom } from "../core/playback/playback-transitions.js";
import type { PlaybackUpdateType as CoreUpdateType } from "../core/playback/timeline/index.js";
import type { ExpectedSource } from "../core/playback/transition-runner.js";
import type { Clock } from "../infra/clock.js";
import { serverMessage } from "./frame-codec.js";
import type { ObservationHandler, ObservingConnection } from "./observation-handler.js";
import type { ConnectionPresence } from "./presence/connection-presence.js";

export interface ClientCommandDeps {
  transitions: Pick<PlaybackTransitions, "update" | "start" | "stop">;
  /** The core chat send (the same call as SendChatMessage); absent → `chat` answers UNIMPLEMENTED. */
  chat?: Pick<ChatMessages, "send">;
  observations: ObservationHandler;
  /** client_report sink (per-room drift/RTT); absent → reports are accepted and dropped. */
  reports?: Pick<ConnectionPresence, "report">;
  ids: PublicIdCodec;
  clock: Clock;
  /** Unexpected failures: logged with the connection, answered as INTERNAL without detail. */
  onUnexpected(err: unknown, connection: ObservingConnection): void;
}

export interface CommandConnection extends ObservingConnection {
  readonly roomPublicId: string;
}

const UPDATE_TYPE: Partial<Record<PlaybackUpdateType, CoreUpdateType>> = {
  [PlaybackUpdateType.PLAY]: "PLAY",
  [PlaybackUpdateType.PAUSE]: "PAUSE",
  [PlaybackUpdateType.SEEK]: "SEEK",
  [PlaybackUpdateType.SPEED]: "SPEED",
};

export class ClientCommands {
  readonly #validator = createValidator();

  constructor(private readonly deps: ClientCommandDeps) {}

  /** Handles one decoded message; `receivedAtMs` is when its frame arrived (for heartbeat_ack). */
  async handle(connection: CommandConnection, message: ClientMessage, receivedAtMs: number): Promise<void> {
    const operationId = operationIdOf(message);
    try {
      const kind = message.message.case;
      if (kind === "webrtc") throw unimplemented("WebRTC signalling is not available on this server");
      this.#validate(connection, message);
      await this.#dispatch(connection, message, receivedAtMs);
    } catch (err) {
      connection.send(this.#errorMessage(connection, err, operationId));
    }
  }

  /** A frame of the right kind that does not decode: INVALID_ARGUMENT, and the connection stays open. */
  async handleMalformed(connection: CommandConnection, reason: string): Promise<void> {
    connection.send(this.#errorMessage(connection, invalidArgument(`Cannot decode message: ${reason}`), ""));
  }

  async #dispatch(connection: CommandConnection, message: ClientMessage, receivedAtMs: number): Promise<void> {
    const { deps } = this;
    switch (message.message.case) {
      case "heartbeat": {
        const ack = create(HeartbeatAckSchema, {
          clientTimeMs: message.message.value.clientTimeMs,
          serverReceivedMs: BigInt(receivedAtMs),
          serverSentMs: BigInt(deps.clock.now()),
        });
        connection.send(serverMessage({ case: "heartbeatAck", value: ack }));
        return;
      }
      case "playbackStateUpdate":
        await this.#updatePlaybackState(connection, message.message.value);
        return;
      case "playbackUpdate":
        await this.#startPlayback(connection, message.message.value);
        return;
      case "observeResource":
        await deps.observations.observe(connection, message.message.value);
        return;
      case "unobserveResource":
        await deps.observations.unobserve(connection, message.message.value.observeId);
        return;
      case "clientReport":
        // Drift/RTT telemetry (03 §4.5): the room's RTT feeds its scheduled-start lead.
        deps.reports?.report(connection, message.message.value);
        return;
      case "chat":
        await this.#sendChat(connection, message.message.value);
        return;
      case "webrtc":
        throw unimplemented("WebRTC signalling is not available on this server");
      case undefined:
        throw invalidArgument("Empty client message");
    }
  }

  async #updatePlaybackState(connection: CommandConnection, req: UpdatePlaybackStateRequest): Promise<void> {
    const type = UPDATE_TYPE[req.type];
    if (type === undefined) throw invalidArgument("Unknown update type");
    await this.deps.transitions.update(
      connection.actor,
      connection.roomId,
      {
        type,
        ...(req.position === undefined ? {} : { position: req.position }),
        ...(req.speed === undefined ? {} : { speed: req.speed }),
        ...(req.playing === undefined ? {} : { playing: req.playing }),
        ...(req.clientTimeMs === undefined ? {} : { clientTimeMs: Number(req.clientTimeMs) }),
      },
      {
        ...(req.expectedVersion === undefined ? {} : { expectedVersion: Number(req.expectedVersion) }),
        ...(req.expectedSource === undefined
          ? {}
          : {
              expectedSource: {
                mediaId: this.#optionalId("med", req.expectedSource.mediaId),
                playlistId: this.#optionalId("pl", req.expectedSource.playlistId),
                targetHash: req.expectedSource.targetHash,
              } satisfies ExpectedSource,
            }),
        ...opId(req.clientOperationId),
      },
    );
  }

  async #startPlayback(connection: CommandConnection, req: StartPlaybackRequest): Promise<void> {
    const mediaId = this.#optionalId("med", req.mediaId);
    const playlistId = this.#optionalId("pl", req.playlistId);
    // All empty stops playback (realtime.proto: playback_update).
    if (mediaId === null && playlistId === null && req.target === undefined) {
      await this.deps.transitions.stop(connection.actor, connection.roomId, opId(req.clientOperationId));
      return;
    }
    const source = startSourceFrom(mediaId, playlistId, req.target !== undefined);
    await this.deps.transitions.start(
      connection.actor,
      connection.roomId,
      source,
      "SELECTED",
      opId(req.clientOperationId),
    );
  }

  /** The RPC's send path with the connection's actor and room; the sender sees its event via chat_events. */
  async #sendChat(connection: CommandConnection, req: SendChatMessageRequest): Promise<void> {
    if (!this.deps.chat) throw unimplemented("Chat is not available on this server");
    await this.deps.chat.send(connection.actor, connection.roomId, {
      content: req.content,
      clientMessageId: req.clientMessageId,
      replyTo: req.replyToMessageId === "" ? null : chatMessageRefOf(this.deps.ids, req.replyToMessageId),
      displayPosition: req.displayPosition,
      displayColor: req.displayColor,
    });
  }

  #optionalId(prefix: "med" | "pl", publicId: string): number | null {
    return publicId === "" ? null : this.deps.ids.decode(prefix, publicId);
  }

  /**
   * The envelope's protovalidate rules, as the API's validation interceptor applies them. A command
   * acts on the connection's room: an empty room_id means it, another room is refused.
   */
  #validate(connection: CommandConnection, message: ClientMessage): void {
    const inner = message.message;
    if (inner.case === "playbackStateUpdate" || inner.case === "playbackUpdate" || inner.case === "chat") {
      if (inner.value.roomId === "") inner.value.roomId = connection.roomPublicId;
      else if (inner.value.roomId !== connection.roomPublicId) {
        throw invalidArgument("room_id must be this connection's room", {
          fieldViolations: [
            { field: "room_id", rule: "connection_room", description: "omit it or use the connected room" },
          ],
        });
      }
    }
    const result = this.#validator.validate(ClientMessageSchema, message);
    if (result.kind === "valid") return;
    if (result.kind === "invalid") {
      throw invalidArgument("Message validation failed", {
        fieldViolations: result.violations.map((v) => ({
          field: pathToString(v.field),
          rule: v.ruleId,
          description: v.message,
        })),
      });
    }
    throw result.error;
  }

  #errorMessage(connection: CommandConnection, err: unknown, operationId: string): ServerMessage {
    let domain: DomainError;
    if (isDomainError(err)) {
      domain = err;
    } else {
      this.deps.onUnexpected(err, connection);
      domain = new DomainError("INTERNAL", "Internal error");
    }
    const info = toErrorInfo(domain, connection.connectionId);
    return serverMessage({
      case: "error",
      value: create(ErrorMessageSchema, {
        code: info.errorCode,
        kind: info.kind,
        message: domain.kind === "INTERNAL" ? "Internal error" : domain.message,
        clientOperationId: info.clientOperationId || operationId,
        metadata: info.metadata,
        fieldViolations: info.fieldViolations,
        retryAfterMs: info.retryAfterMs,
      }),
    });
  }
}

function opId(id: string) {
  return id === "" ? {} : { clientOperationId: id };
}

function operationIdOf(message: ClientMessage): string {
  const inner = message.message;
  switch (inner.case) {
    case "playbackStateUpdate":
    case "playbackUpdate":
    case "chat":
      return "clientOperationId" in inner.value ? String(inner.value.clientOperationId ?? "") : "";
    default:
      return "";
  }
}
