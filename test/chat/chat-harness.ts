// Shared setup for the chat suites: one node, signed-up accounts, rooms built from fixtures, and small
// wrappers over the ChatService RPCs (Connect JSON, exactly what a client sends).
import { eq, sql } from "drizzle-orm";
import type { PublicIdCodec } from "../../src/core/ids/public-id-codec.js";
import { chatMessages } from "../../src/infra/db/partitions/chat-messages-table.js";
import { chatMessageEvents, chatMessageIdempotency, realtimeOutbox } from "../../src/infra/db/schema/index.js";
import { idCodecOf, signUp, type TestAccount } from "../support/accounts.js";
import { callJson, type JsonCallResult } from "../support/connect-json.js";
import { insertMember, insertRoom } from "../support/fixtures/index.js";
import type { TestNode } from "../support/node-harness.js";

export const GENEROUS_LIMITS = {
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_AUTH: "1000000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "1000000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: "1000000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "1000000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WEBSOCKET: "1000000",
};

export interface WireChatMessage {
  id: string;
  roomId: string;
  userId?: string;
  username?: string;
  messageType: string;
  content?: string;
  status: string;
  version: string;
  clientMessageId?: string;
  replyToMessageId?: string;
  displayPosition?: string;
  displayColor?: string;
  metadata?: Record<string, unknown>;
  playbackMediaId?: string;
  playbackPositionSeconds?: number;
  createdAt: string;
}

export interface WireChatEvent {
  eventId: string;
  roomId: string;
  kind: string;
  message: WireChatMessage;
  sequence: string;
  occurredAt: string;
}

export interface ChatRoom {
  id: number;
  publicId: string;
}

let messageCounter = 0;
export const nextClientId = () => `cm-${process.pid}-${++messageCounter}`;

export class ChatClient {
  readonly ids: PublicIdCodec;

  constructor(readonly t: TestNode) {
    this.ids = idCodecOf(t);
  }

  signUp(prefix: string): Promise<TestAccount> {
    return signUp(this.t, prefix);
  }

  /** A room created by `creator` with the given members (role MEMBER unless listed as admins). */
  async room(creator: TestAccount, members: TestAccount[] = [], admins: TestAccount[] = []): Promise<ChatRoom> {
    const db = this.t.database.db;
    const room = await insertRoom(db, { createdBy: creator.userId, isPublic: true, allowGuestJoin: true });
    for (const m of members) await insertMember(db, room.id, m.userId, "MEMBER");
    for (const a of admins) await insertMember(db, room.id, a.userId, "ADMIN");
    return { id: room.id, publicId: this.ids.encode("room", room.id) };
  }

  call<T = Record<string, unknown>>(rpc: string, body: unknown, token?: string): Promise<JsonCallResult<T>> {
    return callJson<T>(this.t.baseUrl, `synctv.v1.ChatService/${rpc}`, body, token);
  }

  async send(
    room: ChatRoom,
    who: TestAccount,
    content: string,
    extra: Record<string, unknown> = {},
  ): Promise<WireChatEvent> {
    const r = await this.call<{ event: WireChatEvent }>(
      "SendChatMessage",
      { roomId: room.publicId, content, clientMessageId: nextClientId(), ...extra },
      who.accessToken,
    );
    if (r.status !== 200) throw new Error(`SendChatMessage: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.event;
  }

  /**
   * Sends like a well-behaved client under the 10/s budget: a RATE_LIMITED answer is retried after its
   * retry_after_ms with the same client_message_id (so a retry can never duplicate the message).
   */
  async sendPaced(room: ChatRoom, who: TestAccount, content: string): Promise<WireChatEvent> {
    const body = { roomId: room.publicId, content, clientMessageId: nextClientId() };
    for (;;) {
      const r = await this.call<{ event: WireChatEvent }>("SendChatMessage", body, who.accessToken);
      if (r.status === 200) return r.body.event;
      const retryAfter = Number(
        (r.body as { details?: { debug?: { retryAfterMs?: string } }[] }).details?.[0]?.debug?.retryAfterMs,
      );
      if (r.status !== 429 || !Number.isFinite(retryAfter)) {
        throw new Error(`SendChatMessage: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, retryAfter));
    }
  }

  async history(
    room: ChatRoom,
    who: TestAccount,
    query: { cursor?: string; limit?: number; includeMessageTypes?: string[] } = {},
  ): Promise<{ messages: WireChatMessage[]; nextCursor: string; eventCursor: string }> {
    const r = await this.call<{ messages?: WireChatMessage[]; nextCursor?: string; eventCursor?: string }>(
      "GetChatHistory",
      { roomId: room.publicId, ...query },
      who.accessToken,
    );
    if (r.status !== 200) throw new Error(`GetChatHistory: ${r.status} ${JSON.stringify(r.body)}`);
    return {
      messages: r.body.messages ?? [],
      nextCursor: r.body.nextCursor ?? "",
      eventCursor: r.body.eventCursor ?? "0",
    };
  }

  /** Counts of the durable rows behind a room's chat. */
  async counts(roomId: number): Promise<{ messages: number; events: number; outbox: number; keys: number }> {
    const db = this.t.database.db;
    const count = async (q: Promise<{ n: number }[]>) => Number((await q)[0]?.n ?? 0);
    return {
      messages: await count(
        db.select({ n: sql<number>`count(*)::int` }).from(chatMessages).where(eq(chatMessages.roomId, roomId)),
      ),
      events: await count(
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(chatMessageEvents)
          .where(eq(chatMessageEvents.roomId, roomId)),
      ),
      outbox: await count(
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(realtimeOutbox)
          .where(
            sql`${realtimeOutbox.payload}->>'scope' = 'chat' AND (${realtimeOutbox.payload}->>'roomId')::bigint = ${roomId}`,
          ),
      ),
      keys: await count(
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(chatMessageIdempotency)
          .where(eq(chatMessageIdempotency.roomId, roomId)),
      ),
    };
  }
}
