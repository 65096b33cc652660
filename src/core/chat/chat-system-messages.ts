// System messages written by the server inside other domains' transactions (spec 03 §3, 04 §7.1 step 12):
// SYSTEM_MEMBER_JOINED once when a user becomes a member (JoinRoom, AddMember, review approval — never on
// a reconnect or a revisit), SYSTEM_PLAYBACK_CHANGED on every source change with its reason. Callers run
// `prepare` before their transaction so today's chat partition exists (DDL stays outside transactions).
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { usernameOf } from "../members/member-views.js";
import { MAX_CHAT_CHARS } from "./chat-content.js";
import type { ChatDeps } from "./chat-deps.js";
import type { ChatEventView, ChatPlaybackChangeReason, ChatSourceRef } from "./chat-message-view.js";
import { createChatMessage } from "./chat-message-writes.js";

export interface PlaybackChange {
  roomId: number;
  from: ChatSourceRef | null;
  to: ChatSourceRef;
  reason: ChatPlaybackChangeReason;
  actorUserId: number | null;
}

/** The hooks other domains call; optional in their deps so they run without chat in narrow tests. */
export interface ChatSystemHooks {
  prepare(nowMs: number): Promise<void>;
  memberJoined(tx: DbTransaction, events: RoomEventRecorder, roomId: number, userId: number): Promise<ChatEventView>;
  playbackChanged(tx: DbTransaction, events: RoomEventRecorder, change: PlaybackChange): Promise<ChatEventView>;
}

export class ChatSystemMessages implements ChatSystemHooks {
  constructor(private readonly deps: Pick<ChatDeps, "clock" | "settings" | "partitions">) {}

  prepare(nowMs: number): Promise<void> {
    return this.deps.partitions.ensure(nowMs);
  }

  async memberJoined(
    tx: DbTransaction,
    events: RoomEventRecorder,
    roomId: number,
    userId: number,
  ): Promise<ChatEventView> {
    const username = await usernameOf(tx, userId);
    return this.#write(tx, events, {
      roomId,
      content: `${username} joined the room`,
      messageType: "SYSTEM_MEMBER_JOINED",
      metadata: { kind: "memberJoined", userId, username },
      actorUserId: userId,
    });
  }

  async playbackChanged(tx: DbTransaction, events: RoomEventRecorder, change: PlaybackChange): Promise<ChatEventView> {
    return this.#write(tx, events, {
      roomId: change.roomId,
      content: change.to.name === "" ? "Playback changed" : `Now playing: ${change.to.name}`,
      messageType: "SYSTEM_PLAYBACK_CHANGED",
      metadata: { kind: "playbackChanged", from: change.from, to: change.to, reason: change.reason },
      actorUserId: change.actorUserId,
    });
  }

  async #write(
    tx: DbTransaction,
    events: RoomEventRecorder,
    input: {
      roomId: number;
      content: string;
      messageType: "SYSTEM_MEMBER_JOINED" | "SYSTEM_PLAYBACK_CHANGED";
      metadata: Parameters<typeof createChatMessage>[2]["metadata"];
      actorUserId: number | null;
    },
  ): Promise<ChatEventView> {
    const { event } = await createChatMessage(
      tx,
      events,
      {
        roomId: input.roomId,
        userId: null,
        clientMessageId: null,
        content: [...input.content].slice(0, MAX_CHAT_CHARS).join(""),
        messageType: input.messageType,
        replyTo: null,
        display: null,
        playback: null,
        metadata: input.metadata,
        createdAt: new Date(this.deps.clock.now()),
      },
      "",
      this.deps.settings.current().chat.maxMessagesPerRoom,
    );
    return event;
  }
}
