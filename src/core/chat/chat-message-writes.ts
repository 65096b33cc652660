// The one write path of a chat message inside a transaction (spec 06 §3.4, §4.2): insert the row, append
// its CREATED event to the chat log (outbox + after-commit listeners), then trim the room to
// chat.maxMessagesPerRoom. User sends and system messages both come through here.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { readPlaybackState } from "../playback/playback-state-repository.js";
import { positionAt } from "../playback/timeline/index.js";
import {
  type ChatMessageRow,
  insertChatMessage,
  type NewChatMessage,
  trimRoomMessages,
  viewOfRow,
} from "./chat-message-repository.js";
import {
  type ChatEventKind,
  type ChatEventView,
  type ChatMessageView,
  type ChatPlaybackStamp,
  eventPayload,
} from "./chat-message-view.js";

/** Appends the event of a change to `message` and returns it as the wire-level event view. */
export async function appendChatMessageEvent(
  events: RoomEventRecorder,
  kind: ChatEventKind,
  message: ChatMessageView,
  actorUserId: number | null,
): Promise<ChatEventView> {
  let occurredAtMs = 0;
  const appended = await events.appendChat({
    roomId: message.roomId,
    messageId: message.id,
    messageCreatedAt: new Date(message.createdAtMs),
    messageVersion: message.version,
    eventType: kind === "CREATED" ? "chat.created" : kind === "EDITED" ? "chat.edited" : "chat.deleted",
    actorUserId,
    payload: ({ occurredAt }) => {
      occurredAtMs = occurredAt.getTime();
      return eventPayload(kind, message, occurredAtMs);
    },
    summary: { kind, messageType: message.messageType },
  });
  return {
    eventId: appended.eventId,
    roomId: message.roomId,
    kind,
    message,
    sequence: appended.roomSeq,
    occurredAtMs,
  };
}

/** Inserts the message, records CREATED and applies the room cap; the row's view is in the event. */
export async function createChatMessage(
  tx: DbTransaction,
  events: RoomEventRecorder,
  input: NewChatMessage,
  username: string,
  maxMessagesPerRoom: number,
): Promise<{ row: ChatMessageRow; event: ChatEventView }> {
  const row = await insertChatMessage(tx, input);
  const event = await appendChatMessageEvent(events, "CREATED", viewOfRow(row, username), input.userId);
  await trimRoomMessages(tx, input.roomId, maxMessagesPerRoom);
  return { row, event };
}

/** What the room was playing at `nowMs` (the server-side stamp of a message), or null when nothing. */
export async function playbackStampOf(
  tx: DbTransaction,
  roomId: number,
  nowMs: number,
): Promise<ChatPlaybackStamp | null> {
  const stored = await readPlaybackState(tx, roomId);
  if (!stored) return null;
  const { source } = stored.timeline;
  if (source.kind === "none") return null;
  return {
    mediaId: source.kind === "static" ? source.mediaId : null,
    playlistId: source.kind === "dynamic" ? source.playlistId : source.playlistId,
    targetHash: source.kind === "dynamic" ? source.targetHash : "",
    positionSeconds: Math.max(0, positionAt(stored.timeline, nowMs)),
  };
}
