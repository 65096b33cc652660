// Chat core against a real database (PGlite or PostgreSQL): the room cap trims the oldest messages
// while idempotency keys outlive them, system messages, the guest rule, the partition-backed schema
// (generated tsvector + GIN) and the event replay used by chat_events observers.
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { insertMember, insertRoom, insertUser } from "../../../test/support/fixtures/index.js";
import { ManualClock } from "../../infra/clock.js";
import { ObservableWriter } from "../../infra/db/events/observable-writer.js";
import type { AppendedRoomEvent } from "../../infra/db/events/room-event-log.js";
import type { Actor } from "../actor.js";
import { DomainError } from "../errors.js";
import { RoomAccess } from "../rooms/room-access.js";
import { defaultRuntimeSettings, staticSettings } from "../settings/runtime-settings.js";
import { createChatDomain } from "./chat-domain.js";
import { chatEventFromEnvelope, readChatEventsAfter } from "./chat-event-reader.js";
import { CHAT_KEY_RETENTION_MS, purgeExpiredChatKeys } from "./chat-key-retention.js";
import { ChatPartitionGate } from "./chat-partition-gate.js";
import { unlimitedChat } from "./chat-rate-limiter.js";

let db: TestDatabase;
const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
const MAX = 3;

function userActor(userId: number): Actor {
  return { kind: "user", userId, role: "USER", sessionId: "s", tokenId: "t", tokenExpiresAt: clock.now() + 3_600_000 };
}

function setup() {
  const writer = new ObservableWriter(db.database, { clock });
  const settings = staticSettings({
    ...defaultRuntimeSettings,
    chat: { ...defaultRuntimeSettings.chat, maxMessagesPerRoom: MAX },
  });
  const access = new RoomAccess(db.database, settings, clock);
  const committed: AppendedRoomEvent[] = [];
  writer.onCommitted((events) => committed.push(...events));
  const chat = createChatDomain({
    database: db.database,
    writer,
    access,
    settings,
    clock,
    budget: unlimitedChat,
    partitions: new ChatPartitionGate(db.database.db),
  });
  return { chat, writer, committed };
}

async function roomWithMember() {
  const creator = await insertUser(db.database.db, {});
  const member = await insertUser(db.database.db, {});
  const room = await insertRoom(db.database.db, { createdBy: creator.id, allowGuestJoin: true });
  await insertMember(db.database.db, room.id, member.id);
  return { roomId: room.id, creator: creator.id, member: member.id };
}

let counter = 0;
const send = (chat: ReturnType<typeof setup>["chat"], userId: number, roomId: number, content: string, id?: string) => {
  clock.advance(1);
  return chat.messages.send(userActor(userId), roomId, {
    content,
    clientMessageId: id ?? `k${++counter}`,
    replyTo: null,
    displayPosition: "",
    displayColor: "",
  });
};

/** postgres.js returns the rows, PGlite `{ rows }`. */
async function rowsOf<T>(query: SQL): Promise<T[]> {
  const result = (await db.database.db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

describe("the room cap (chat.maxMessagesPerRoom)", () => {
  it("keeps only the newest messages; a retry of a trimmed message still returns its original event", async () => {
    const { chat } = setup();
    const { roomId, member } = await roomWithMember();
    const first = await send(chat, member, roomId, "first", "keep-me");
    for (let i = 0; i < 2; i++) await send(chat, member, roomId, `n${i}`);
    clock.advance(1);
    // A reply to the oldest message: when the cap removes it, the reply stays and loses its reference.
    await chat.messages.send(userActor(member), roomId, {
      content: "n2",
      clientMessageId: "reply",
      replyTo: { id: first.message.id, createdAtMs: first.message.createdAtMs },
      displayPosition: "",
      displayColor: "",
    });
    await send(chat, member, roomId, "n3");
    const page = await chat.reads.history(userActor(member), roomId, { cursor: "", limit: 0, types: [] });
    expect(page.messages.map((m) => m.content)).toEqual(["n3", "n2", "n1"]);
    expect(page.messages[1]?.replyTo).toBeNull();
    const retry = await send(chat, member, roomId, "first", "keep-me");
    expect(retry).toEqual(first);
    const changed = send(chat, member, roomId, "changed", "keep-me");
    await expect(changed).rejects.toMatchObject({ code: 2101 });
    const counted = await rowsOf<{ n: number; k: number }>(
      sql`SELECT (SELECT count(*)::int FROM chat_message_events WHERE room_id = ${roomId}) AS n,
                 (SELECT count(*)::int FROM chat_message_idempotency WHERE room_id = ${roomId}) AS k`,
    );
    expect(counted[0]).toEqual({ n: MAX, k: 5 });
  });
});

describe("who may send", () => {
  it("a guest never sends, even with send_chat_messages granted to guests", async () => {
    const { chat } = setup();
    const { roomId } = await roomWithMember();
    await db.database.db.execute(
      sql`UPDATE room_settings SET settings = settings || '{"guestAddedPermissions": "1"}'::jsonb WHERE room_id = ${roomId}`,
    );
    const guest: Actor = { kind: "guest", guestId: "g1", roomId };
    const error = await chat.messages
      .send(guest, roomId, {
        content: "hi",
        clientMessageId: "g",
        replyTo: null,
        displayPosition: "",
        displayColor: "",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect([4000, 4008]).toContain((error as DomainError).code);
  });
});

describe("system messages", () => {
  it("memberJoined writes one SYSTEM_MEMBER_JOINED message and a chat event in the caller's transaction", async () => {
    const { chat, writer, committed } = setup();
    const { roomId, member } = await roomWithMember();
    await chat.system.prepare(clock.now());
    await writer.run((tx, events) => chat.system.memberJoined(tx, events, roomId, member));
    const page = await chat.reads.history(userActor(member), roomId, {
      cursor: "",
      limit: 10,
      types: ["SYSTEM_MEMBER_JOINED"],
    });
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0]?.metadata).toMatchObject({ kind: "memberJoined", userId: member });
    expect(page.messages[0]?.userId).toBeNull();
    const event = committed.map((e) => chatEventFromEnvelope(e.envelope)).find((e) => e?.roomId === roomId);
    expect(event?.kind).toBe("CREATED");
    // USER-only by default: the system message is not in the default history.
    const users = await chat.reads.history(userActor(member), roomId, { cursor: "", limit: 10, types: [] });
    expect(users.messages).toHaveLength(0);
  });

  it("a rolled-back transaction leaves no message, event or after-commit delivery", async () => {
    const { chat, writer, committed } = setup();
    const { roomId, member } = await roomWithMember();
    const before = committed.length;
    await expect(
      writer.run(async (tx, events) => {
        await chat.system.memberJoined(tx, events, roomId, member);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(committed.length).toBe(before);
    expect(await readChatEventsAfter(db.database.db, roomId, 0, 10)).toEqual([]);
  });
});

describe("chat event replay", () => {
  it("readChatEventsAfter returns the events after a room_seq, equal to what live delivery carried", async () => {
    const { chat, committed } = setup();
    const { roomId, member } = await roomWithMember();
    const a = await send(chat, member, roomId, "a");
    const b = await send(chat, member, roomId, "b");
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    const replay = await readChatEventsAfter(db.database.db, roomId, 1, 10);
    expect(replay).toEqual([b]);
    const live = committed.map((e) => chatEventFromEnvelope(e.envelope)).filter((e) => e?.eventId === b.eventId);
    expect(live).toEqual([b]);
  });
});

describe("search columns", () => {
  it("the generated tsvector and its GIN index answer a full-text query", async () => {
    const { chat } = setup();
    const { roomId, member } = await roomWithMember();
    await send(chat, member, roomId, "the quick brown fox");
    await send(chat, member, roomId, "lazy dogs");
    const list = await rowsOf<{ content: string }>(
      sql`SELECT content FROM chat_messages WHERE room_id = ${roomId} AND content_search @@ to_tsquery('simple', 'brown & fox')`,
    );
    expect(list.map((r) => r.content)).toEqual(["the quick brown fox"]);
    const indexes = await rowsOf<{ indexname: string }>(
      sql`SELECT indexname FROM pg_indexes WHERE tablename = 'chat_messages' AND indexdef ILIKE '%using gin%'`,
    );
    const names = indexes.map((r) => r.indexname);
    expect(names).toEqual(
      expect.arrayContaining(["chat_messages_content_search_idx", "chat_messages_content_trgm_idx"]),
    );
  });
});

describe("idempotency key retention (24 h)", () => {
  it("purges only keys older than 24 h; a younger key still answers its retry", async () => {
    const { chat } = setup();
    const { roomId, member } = await roomWithMember();
    const old = await send(chat, member, roomId, "old", "old-key");
    clock.advance(CHAT_KEY_RETENTION_MS - 10);
    const young = await send(chat, member, roomId, "young", "young-key");
    clock.advance(20);
    expect(await purgeExpiredChatKeys(db.database.db, clock.now())).toBeGreaterThanOrEqual(1);
    expect(await send(chat, member, roomId, "young", "young-key")).toEqual(young);
    // The purged key is free again: the same id is a new message now.
    const again = await send(chat, member, roomId, "old", "old-key");
    expect(again.message.id).not.toBe(old.message.id);
  });
});
