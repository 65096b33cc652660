// Chat core values → synctv.v1 wire messages (ChatMessage, ChatMessageEvent), and the request-side
// decoding of message ids and types. `msg` ids encode [id, created_at ms] so a lookup hits one partition.
import { create } from "@bufbuild/protobuf";
import {
  type ChatMessage,
  type ChatMessageEvent,
  ChatMessageEventKind,
  ChatMessageEventSchema,
  ChatMessageSchema,
  ChatMessageStatus,
  ChatMessageType,
  type ChatMetadata,
  ChatMetadataSchema,
  PlaybackChangeReason,
  type PlaybackSourceRef,
  PlaybackSourceRefSchema,
} from "../../../gen/synctv/v1/chat_pb.js";
import type {
  ChatEventKind,
  ChatEventView,
  ChatMessageRef,
  ChatMessageView,
  ChatMetadataView,
  ChatPlaybackChangeReason,
  ChatSourceRef,
  ChatMessageStatus as CoreStatus,
  ChatMessageType as CoreType,
} from "../../core/chat/chat-message-view.js";
import { invalidArgument } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";

const TYPE_TO_WIRE: Record<CoreType, ChatMessageType> = {
  USER: ChatMessageType.USER,
  SYSTEM_MEMBER_JOINED: ChatMessageType.SYSTEM_MEMBER_JOINED,
  SYSTEM_PLAYBACK_CHANGED: ChatMessageType.SYSTEM_PLAYBACK_CHANGED,
};
const STATUS_TO_WIRE: Record<CoreStatus, ChatMessageStatus> = {
  ACTIVE: ChatMessageStatus.ACTIVE,
  EDITED: ChatMessageStatus.EDITED,
  DELETED: ChatMessageStatus.DELETED,
};
const KIND_TO_WIRE: Record<ChatEventKind, ChatMessageEventKind> = {
  CREATED: ChatMessageEventKind.CREATED,
  EDITED: ChatMessageEventKind.EDITED,
  DELETED: ChatMessageEventKind.DELETED,
};
const REASON_TO_WIRE: Record<ChatPlaybackChangeReason, PlaybackChangeReason> = {
  SELECTED: PlaybackChangeReason.SELECTED,
  NEXT: PlaybackChangeReason.NEXT,
  PREVIOUS: PlaybackChangeReason.PREVIOUS,
  HISTORY_ENTRY: PlaybackChangeReason.HISTORY_ENTRY,
  AUTO_ADVANCE: PlaybackChangeReason.AUTO_ADVANCE,
};

export function chatMessageIdOf(ids: PublicIdCodec, ref: ChatMessageRef): string {
  return ids.encodeMany("msg", [ref.id, ref.createdAtMs]);
}

/** A `msg_` id back to its (id, created_at) key; anything else is INVALID_ARGUMENT. */
export function chatMessageRefOf(ids: PublicIdCodec, publicId: string): ChatMessageRef {
  const parts = ids.decodeMany("msg", publicId);
  if (parts.length !== 2 || (parts[0] as number) < 1) {
    throw invalidArgument("malformed msg id", { metadata: { prefix: "msg" } });
  }
  return { id: parts[0] as number, createdAtMs: parts[1] as number };
}

/** include_message_types → core types; UNSPECIFIED and unknown numbers are refused by validation first. */
export function chatMessageTypesOf(types: readonly ChatMessageType[]): CoreType[] {
  const out: CoreType[] = [];
  for (const t of types) {
    if (t === ChatMessageType.USER) out.push("USER");
    else if (t === ChatMessageType.SYSTEM_MEMBER_JOINED) out.push("SYSTEM_MEMBER_JOINED");
    else if (t === ChatMessageType.SYSTEM_PLAYBACK_CHANGED) out.push("SYSTEM_PLAYBACK_CHANGED");
  }
  return out;
}

const optionalId = (ids: PublicIdCodec, prefix: "usr" | "med" | "pl", id: number | null) =>
  id === null ? "" : ids.encode(prefix, id);

function sourceRefMessage(ref: ChatSourceRef, ids: PublicIdCodec): PlaybackSourceRef {
  return create(PlaybackSourceRefSchema, {
    mediaId: optionalId(ids, "med", ref.mediaId),
    playlistId: optionalId(ids, "pl", ref.playlistId),
    targetHash: ref.targetHash,
    name: ref.name,
  });
}

function metadataMessage(meta: ChatMetadataView, ids: PublicIdCodec): ChatMetadata {
  switch (meta.kind) {
    case "user":
      return create(ChatMetadataSchema, { kind: { case: "user", value: {} } });
    case "memberJoined":
      return create(ChatMetadataSchema, {
        kind: { case: "memberJoined", value: { userId: ids.encode("usr", meta.userId), username: meta.username } },
      });
    case "playbackChanged":
      return create(ChatMetadataSchema, {
        kind: {
          case: "playbackChanged",
          value: {
            ...(meta.from ? { from: sourceRefMessage(meta.from, ids) } : {}),
            to: sourceRefMessage(meta.to, ids),
            reason: REASON_TO_WIRE[meta.reason],
          },
        },
      });
  }
}

export function toChatMessage(view: ChatMessageView, ids: PublicIdCodec): ChatMessage {
  return create(ChatMessageSchema, {
    id: chatMessageIdOf(ids, view),
    roomId: ids.encode("room", view.roomId),
    userId: optionalId(ids, "usr", view.userId),
    username: view.username,
    messageType: TYPE_TO_WIRE[view.messageType],
    content: view.status === "DELETED" ? "" : view.content,
    status: STATUS_TO_WIRE[view.status],
    version: BigInt(view.version),
    clientMessageId: view.clientMessageId,
    replyToMessageId: view.replyTo ? chatMessageIdOf(ids, view.replyTo) : "",
    displayPosition: view.displayPosition,
    displayColor: view.displayColor,
    metadata: metadataMessage(view.metadata, ids),
    playbackMediaId: optionalId(ids, "med", view.playback?.mediaId ?? null),
    playbackPlaylistId: optionalId(ids, "pl", view.playback?.playlistId ?? null),
    playbackTargetHash: view.playback?.targetHash ?? "",
    ...(view.playback ? { playbackPositionSeconds: view.playback.positionSeconds } : {}),
    createdAt: BigInt(view.createdAtMs),
    editedAt: BigInt(view.editedAtMs ?? 0),
    deletedAt: BigInt(view.deletedAtMs ?? 0),
    deletedByUserId: optionalId(ids, "usr", view.deletedByUserId),
    deleteReason: view.deleteReason,
  });
}

export function toChatMessageEvent(event: ChatEventView, ids: PublicIdCodec): ChatMessageEvent {
  return create(ChatMessageEventSchema, {
    eventId: event.eventId,
    roomId: ids.encode("room", event.roomId),
    kind: KIND_TO_WIRE[event.kind],
    message: toChatMessage(event.message, ids),
    sequence: BigInt(event.sequence),
    occurredAt: BigInt(event.occurredAtMs),
  });
}
