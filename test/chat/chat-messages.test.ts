// Chat over the real node (issue 7): idempotent sends, content rules, replies and danmaku fields, the
// playback stamp, edits and deletes, history paging with its event watermark, the room cap, and the
// send budget shared by the RPC and the realtime `chat` command.
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, createTicket } from "../realtime/realtime-client.js";
import type { TestAccount } from "../support/accounts.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";
import { ChatClient, type ChatRoom, GENEROUS_LIMITS, nextClientId, type WireChatMessage } from "./chat-harness.js";

let t: TestNode;
let chat: ChatClient;
let alice: TestAccount;
let bob: TestAccount;

beforeAll(async () => {
  t = await startTestNode({ ...GENEROUS_LIMITS, SYNCTV_REALTIME_HOST: "127.0.0.1" });
  chat = new ChatClient(t);
  [alice, bob] = await Promise.all([chat.signUp("chat-alice"), chat.signUp("chat-bob")]);
}, 60_000);
afterAll(async () => t?.close());

describe("SendChatMessage idempotency (02 §2.8)", () => {
  it("the same client_message_id twice returns the original event and stores one message, one event, one outbox row", async () => {
    const room = await chat.room(alice, [bob]);
    const body = { roomId: room.publicId, content: "hello there", clientMessageId: nextClientId() };
    const first = await chat.call<{ event: Record<string, unknown> }>("SendChatMessage", body, bob.accessToken);
    const second = await chat.call<{ event: Record<string, unknown> }>("SendChatMessage", body, bob.accessToken);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.event).toEqual(first.body.event);
    expect(await chat.counts(room.id)).toEqual({ messages: 1, events: 1, outbox: 1, keys: 1 });
  });

  it("the same client_message_id with other content is ALREADY_EXISTS 2101 and writes nothing", async () => {
    const room = await chat.room(alice, [bob]);
    const clientMessageId = nextClientId();
    await chat.call("SendChatMessage", { roomId: room.publicId, content: "one", clientMessageId }, bob.accessToken);
    const again = await chat.call(
      "SendChatMessage",
      { roomId: room.publicId, content: "two", clientMessageId },
      bob.accessToken,
    );
    expect(again.code).toBe("already_exists");
    expect(again.errorInfo?.errorCode).toBe(2101);
    expect(await chat.counts(room.id)).toEqual({ messages: 1, events: 1, outbox: 1, keys: 1 });
  });

  it("keys are per user: another user may reuse the same client_message_id", async () => {
    const room = await chat.room(alice, [bob]);
    const clientMessageId = nextClientId();
    for (const who of [alice, bob]) {
      const r = await chat.call(
        "SendChatMessage",
        { roomId: room.publicId, content: "same", clientMessageId },
        who.accessToken,
      );
      expect(r.status).toBe(200);
    }
    expect((await chat.counts(room.id)).messages).toBe(2);
  });
});

describe("SendChatMessage content and fields", () => {
  it("strips HTML, trims, keeps danmaku lane and colour, and answers INVALID_ARGUMENT for nothing left", async () => {
    const room = await chat.room(alice);
    const event = await chat.send(room, alice, "  <b>bold</b> move ", {
      displayPosition: "top",
      displayColor: "#FFAA00",
    });
    expect(event.kind).toBe("CHAT_MESSAGE_EVENT_KIND_CREATED");
    expect(event.message.content).toBe("bold move");
    expect(event.message.displayPosition).toBe("top");
    expect(event.message.displayColor).toBe("#ffaa00");
    expect(event.message.messageType).toBe("CHAT_MESSAGE_TYPE_USER");
    expect(event.message.status).toBe("CHAT_MESSAGE_STATUS_ACTIVE");
    expect(event.message.version).toBe("1");
    expect(event.message.id).toMatch(/^msg_[A-Za-z0-9]+$/);
    expect(event.sequence).toBe("1");
    const empty = await chat.call(
      "SendChatMessage",
      { roomId: room.publicId, content: "<i></i>", clientMessageId: nextClientId() },
      alice.accessToken,
    );
    expect(empty.errorInfo?.errorCode).toBe(3000);
  });

  it("a reply names a message of the same room; another room's message is NOT_FOUND", async () => {
    const room = await chat.room(alice, [bob]);
    const other = await chat.room(bob);
    const parent = await chat.send(room, alice, "question?");
    const reply = await chat.send(room, bob, "answer", { replyToMessageId: parent.message.id });
    expect(reply.message.replyToMessageId).toBe(parent.message.id);
    const foreign = await chat.call(
      "SendChatMessage",
      { roomId: other.publicId, content: "x", clientMessageId: nextClientId(), replyToMessageId: parent.message.id },
      bob.accessToken,
    );
    expect(foreign.errorInfo?.errorCode).toBe(2000);
  });

  it("a message sent while nothing plays carries no playback stamp", async () => {
    const room = await chat.room(alice);
    const event = await chat.send(room, alice, "quiet room");
    expect(event.message.playbackMediaId ?? "").toBe("");
    expect(event.message.playbackPositionSeconds).toBeUndefined();
  });
});

describe("EditChatMessage and DeleteChatMessage", () => {
  it("the author edits with expected_version; a stale version is ABORTED with current_version", async () => {
    const room = await chat.room(alice, [bob]);
    const sent = await chat.send(room, bob, "typo");
    const edit = await chat.call<{ event: { kind: string; message: Record<string, unknown>; sequence: string } }>(
      "EditChatMessage",
      { roomId: room.publicId, messageId: sent.message.id, content: "fixed", expectedVersion: "1" },
      bob.accessToken,
    );
    expect(edit.status).toBe(200);
    expect(edit.body.event.kind).toBe("CHAT_MESSAGE_EVENT_KIND_EDITED");
    expect(edit.body.event.message).toMatchObject({
      content: "fixed",
      version: "2",
      status: "CHAT_MESSAGE_STATUS_EDITED",
    });
    expect(edit.body.event.sequence).toBe("2");
    const stale = await chat.call(
      "EditChatMessage",
      { roomId: room.publicId, messageId: sent.message.id, content: "again", expectedVersion: "1" },
      bob.accessToken,
    );
    expect(stale.errorInfo?.errorCode).toBe(2003);
    expect(stale.errorInfo?.metadata.current_version).toBe("2");
  });

  it("a deleted message hides its content, cannot be edited (3001), and is NOT_FOUND unless include_deleted", async () => {
    const room = await chat.room(alice, [bob]);
    const sent = await chat.send(room, bob, "oops");
    const del = await chat.call<{ event: { message: Record<string, unknown> } }>(
      "DeleteChatMessage",
      { roomId: room.publicId, messageId: sent.message.id, reason: "mistake" },
      bob.accessToken,
    );
    expect(del.status).toBe(200);
    expect(del.body.event.message.content ?? "").toBe("");
    expect(del.body.event.message.status).toBe("CHAT_MESSAGE_STATUS_DELETED");
    const edit = await chat.call(
      "EditChatMessage",
      { roomId: room.publicId, messageId: sent.message.id, content: "x", expectedVersion: "2" },
      bob.accessToken,
    );
    expect(edit.errorInfo?.errorCode).toBe(3001);
    const hidden = await chat.call(
      "GetChatMessage",
      { roomId: room.publicId, messageId: sent.message.id },
      alice.accessToken,
    );
    expect(hidden.errorInfo?.errorCode).toBe(2000);
    const shown = await chat.call<{ message: Record<string, unknown> }>(
      "GetChatMessage",
      { roomId: room.publicId, messageId: sent.message.id, includeDeleted: true },
      alice.accessToken,
    );
    expect(shown.status).toBe(200);
    expect(shown.body.message.content ?? "").toBe("");
    expect(shown.body.message.deleteReason).toBe("mistake");
    const history = await chat.history(room, alice);
    expect(history.messages.map((m) => m.content ?? "")).toEqual([""]);
  });

  it("a retried delete with the same client_operation_id returns the first event without a second one", async () => {
    const room = await chat.room(alice, [bob]);
    const sent = await chat.send(room, bob, "twice");
    const body = {
      roomId: room.publicId,
      messageId: sent.message.id,
      reason: "",
      clientOperationId: "0195f0c6-8e3a-7a1b-9c2d-3e4f5a6b7c8d",
    };
    const first = await chat.call<{ event: unknown }>("DeleteChatMessage", body, bob.accessToken);
    const second = await chat.call<{ event: unknown }>("DeleteChatMessage", body, bob.accessToken);
    expect(second.body.event).toEqual(first.body.event);
    expect((await chat.counts(room.id)).events).toBe(2);
  });
});

describe("GetChatHistory", () => {
  it("pages newest first with a stable keyset while others keep sending (no skipped or repeated message)", async () => {
    const room = await chat.room(alice, [bob]);
    const before: string[] = [];
    for (let i = 0; i < 12; i++) before.push((await chat.sendPaced(room, i % 2 ? alice : bob, `m${i}`)).message.id);
    // Senders run concurrently with the paging reader for the whole walk.
    let paging = true;
    const senders = [alice, bob].map(async (who) => {
      let sent = 0;
      while (paging && sent < 40) {
        await chat.sendPaced(room, who, `late ${who.username} ${sent++}`);
      }
    });
    const seen: WireChatMessage[] = [];
    let cursor = "";
    try {
      do {
        const r = await chat.history(room, alice, { cursor, limit: 5 });
        seen.push(...r.messages);
        cursor = r.nextCursor;
      } while (cursor !== "");
    } finally {
      paging = false;
      await Promise.all(senders);
    }
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every message that existed before the walk appears, in order; later ones can only precede them.
    expect(ids.filter((id) => before.includes(id))).toEqual([...before].reverse());
    expect(ids.slice(ids.length - before.length)).toEqual([...before].reverse());
    const keys = seen.map((m) => [Number(m.createdAt), chat.ids.decodeMany("msg", m.id)[0] ?? 0] as const);
    for (let i = 1; i < keys.length; i++) {
      const [pt, pi] = keys[i - 1] ?? [0, 0];
      const [ct, ci] = keys[i] ?? [0, 0];
      expect(pt > ct || (pt === ct && pi > ci)).toBe(true);
    }
  });

  it("event_cursor is the chat room_seq taken before the read: the events after it carry every later change", async () => {
    const room = await chat.room(alice, [bob]);
    await chat.send(room, bob, "a");
    await chat.send(room, bob, "b");
    const h = await chat.history(room, alice);
    expect(h.eventCursor).toBe("2");
    const c = await chat.send(room, alice, "c");
    expect(Number(c.sequence)).toBe(Number(h.eventCursor) + 1);
  });

  it("observing chat_events after event_cursor replays exactly what changed since the read, then live events", async () => {
    const room = await chat.room(alice, [bob]);
    const a = await chat.send(room, bob, "a");
    await chat.send(room, bob, "b");
    const h = await chat.history(room, alice);
    const c = await chat.send(room, alice, "c");
    await chat.call(
      "EditChatMessage",
      { roomId: room.publicId, messageId: a.message.id, content: "a2", expectedVersion: "1" },
      bob.accessToken,
    );
    const socket = await connect(
      t.node.realtime.port,
      room.publicId,
      await createTicket(t, room.publicId, alice.accessToken),
    );
    try {
      socket.send({
        message: {
          case: "observeResource",
          value: {
            observeId: "chat",
            resource: { case: "chatEvents", value: { afterEventSequence: BigInt(h.eventCursor) } },
          },
        },
      });
      await socket.next("resourceObserved");
      const replayed = [await socket.next("resourceEvent"), await socket.next("resourceEvent")];
      const live = chat.send(room, bob, "d");
      const third = await socket.next("resourceEvent");
      const d = await live;
      const seen = [...replayed, third].map((e) => {
        if (e.payload.case !== "chatEvent") throw new Error(`unexpected payload ${e.payload.case}`);
        return {
          seq: e.payload.value.sequence,
          id: e.payload.value.message?.id,
          content: e.payload.value.message?.content,
        };
      });
      expect(seen).toEqual([
        { seq: 3n, id: c.message.id, content: "c" },
        { seq: 4n, id: a.message.id, content: "a2" },
        { seq: 5n, id: d.message.id, content: "d" },
      ]);
    } finally {
      await socket.close();
    }
  });

  it("include_message_types: empty means USER only; a foreign or tampered cursor is INVALID_ARGUMENT", async () => {
    const room = await chat.room(alice, [bob]);
    for (let i = 0; i < 3; i++) await chat.send(room, bob, `n${i}`);
    const first = await chat.history(room, alice, { limit: 2 });
    expect(first.nextCursor).not.toBe("");
    const other = await chat.room(alice);
    const foreign = await chat.call(
      "GetChatHistory",
      { roomId: other.publicId, cursor: first.nextCursor },
      alice.accessToken,
    );
    expect(foreign.errorInfo?.errorCode).toBe(3000);
    const otherQuery = await chat.call(
      "GetChatHistory",
      {
        roomId: room.publicId,
        cursor: first.nextCursor,
        includeMessageTypes: ["CHAT_MESSAGE_TYPE_SYSTEM_MEMBER_JOINED"],
      },
      alice.accessToken,
    );
    expect(otherQuery.errorInfo?.errorCode).toBe(3000);
    const garbage = await chat.call("GetChatHistory", { roomId: room.publicId, cursor: "%%%" }, alice.accessToken);
    expect(garbage.errorInfo?.errorCode).toBe(3000);
  });
});

describe("the send budget (10/s per user per room, RPC and realtime combined)", () => {
  let limited: TestNode;
  let client: ChatClient;
  let carol: TestAccount;
  let room: ChatRoom;

  beforeAll(async () => {
    // The budget under test is the room_chat scope: made long-windowed here so the count, not the
    // wall clock, decides (the 10-per-second default is covered by chat-rate-limiter.test.ts).
    const configPath = join(tmpdir(), `synctv-chat-limit-${process.pid}.yaml`);
    await writeFile(
      configPath,
      "request_rate_limits:\n  scopes:\n    room_chat:\n      max_requests: 4\n      window_seconds: 3600\n",
    );
    limited = await startTestNode({
      ...GENEROUS_LIMITS,
      SYNCTV_CONFIG_PATH: configPath,
      SYNCTV_REALTIME_HOST: "127.0.0.1",
    });
    client = new ChatClient(limited);
    carol = await client.signUp("chat-carol");
    room = await client.room(carol);
  }, 60_000);
  afterAll(async () => limited?.close());

  it("two RPC sends and two realtime sends spend the budget; the next of either is RESOURCE_EXHAUSTED with retry info", async () => {
    await client.send(room, carol, "rpc 1");
    await client.send(room, carol, "rpc 2");
    const socket = await connect(
      limited.node.realtime.port,
      room.publicId,
      await createTicket(limited, room.publicId, carol.accessToken),
    );
    try {
      socket.send({ message: { case: "chat", value: { content: "ws 1", clientMessageId: nextClientId() } } });
      socket.send({ message: { case: "chat", value: { content: "ws 2", clientMessageId: nextClientId() } } });
      socket.send({ message: { case: "chat", value: { content: "ws 3", clientMessageId: nextClientId() } } });
      const error = await socket.next("error");
      expect(error.code).toBe(2002);
      expect(error.retryAfterMs).toBeGreaterThan(0n);
    } finally {
      await socket.close();
    }
    const rpc = await client.call(
      "SendChatMessage",
      { roomId: room.publicId, content: "rpc 3", clientMessageId: nextClientId() },
      carol.accessToken,
    );
    expect(rpc.code).toBe("resource_exhausted");
    expect(rpc.errorInfo?.errorCode).toBe(2002);
    expect(rpc.headers.get("retry-after")).not.toBeNull();
    const history = await client.history(room, carol);
    expect(history.messages.map((m) => m.content).sort()).toEqual(["rpc 1", "rpc 2", "ws 1", "ws 2"]);
  });
});
