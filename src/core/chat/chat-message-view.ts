// The domain shape of a chat message and of a chat event (spec 02 §4 ChatMessage / ChatMessageEvent),
// with internal ids. It is plain JSON: the event payload in `chat_message_events` and the outbox is
// exactly `ChatEventPayload`, so receivers build the wire event without reading the database.
import type { JsonObject } from "../../infra/db/schema/index.js";

export type ChatMessageType = "USER" | "SYSTEM_MEMBER_JOINED" | "SYSTEM_PLAYBACK_CHANGED";
export type ChatMessageStatus = "ACTIVE" | "EDITED" | "DELETED";
export type ChatEventKind = "CREATED" | "EDITED" | "DELETED";
export type ChatPlaybackChangeReason = "SELECTED" | "NEXT" | "PREVIOUS" | "HISTORY_ENTRY" | "AUTO_ADVANCE";

/** A message lives in one daily partition: its key is the pair (id, created_at), as in `msg_` ids. */
export interface ChatMessageRef {
  id: number;
  createdAtMs: number;
}

/** What was playing: a static item (mediaId) or a dynamic target (playlistId + targetHash). */
export interface ChatSourceRef {
  mediaId: number | null;
  playlistId: number | null;
  targetHash: string;
  name: string;
}

export interface ChatPlaybackStamp {
  mediaId: number | null;
  playlistId: number | null;
  targetHash: string;
  positionSeconds: number;
}

export type ChatMetadataView =
  | { kind: "user" }
  | { kind: "memberJoined"; userId: number; username: string }
  | { kind: "playbackChanged"; from: ChatSourceRef | null; to: ChatSourceRef; reason: ChatPlaybackChangeReason };

export interface ChatMessageView {
  id: number;
  createdAtMs: number;
  roomId: number;
  /** Null for system messages. */
  userId: number | null;
  username: string;
  messageType: ChatMessageType;
  /** '' once deleted. */
  content: string;
  status: ChatMessageStatus;
  version: number;
  clientMessageId: string;
  replyTo: ChatMessageRef | null;
  displayPosition: string;
  displayColor: string;
  metadata: ChatMetadataView;
  playback: ChatPlaybackStamp | null;
  editedAtMs: number | null;
  deletedAtMs: number | null;
  deletedByUserId: number | null;
  deleteReason: string;
}

export interface ChatEventView {
  eventId: string;
  roomId: number;
  kind: ChatEventKind;
  message: ChatMessageView;
  /** The per-room chat room_seq (06 §4.2). */
  sequence: number;
  occurredAtMs: number;
}

/** The durable payload of a chat event: everything but the fields the envelope already carries. */
export interface ChatEventPayload extends JsonObject {
  kind: ChatEventKind;
  message: ChatMessageView & JsonObject;
  occurredAtMs: number;
}

export const MESSAGE_TYPE_NUMBER: Record<ChatMessageType, number> = {
  USER: 1,
  SYSTEM_MEMBER_JOINED: 1001,
  SYSTEM_PLAYBACK_CHANGED: 1002,
};

export function messageTypeOf(n: number): ChatMessageType {
  if (n === 1001) return "SYSTEM_MEMBER_JOINED";
  if (n === 1002) return "SYSTEM_PLAYBACK_CHANGED";
  return "USER";
}

export function statusOf(n: number): ChatMessageStatus {
  if (n === 3) return "DELETED";
  if (n === 2) return "EDITED";
  return "ACTIVE";
}

export function eventPayload(kind: ChatEventKind, message: ChatMessageView, occurredAtMs: number): ChatEventPayload {
  return { kind, message: { ...message }, occurredAtMs };
}

/** Event view from its durable payload plus the log's event id and room_seq. */
export function eventFromPayload(
  eventId: string,
  roomId: number,
  sequence: number,
  payload: JsonObject,
): ChatEventView {
  const p = payload as ChatEventPayload;
  return { eventId, roomId, kind: p.kind, message: p.message, sequence, occurredAtMs: p.occurredAtMs };
}
