// Acceptance 4 of the chat issue: every P1 ChatService RPC as each of {anonymous, guest, author (a
// member), member without send_chat_messages, room admin (holds delete_chat_messages), creator,
// platform admin, member of another room}, each against a fresh room whose author has sent one message.
// "ok" means success; a number is the expected app code (spec 04 §9, 02 §3.6).
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bitOf } from "../../src/core/permissions/bitspaces.js";
import { roomMembers, roomSettings, users } from "../../src/infra/db/schema/index.js";
import type { TestAccount } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";
import { ChatClient, type ChatRoom, GENEROUS_LIMITS, nextClientId } from "./chat-harness.js";

type ActorName =
  | "anonymous"
  | "guest"
  | "author"
  | "mutedMember"
  | "roomAdmin"
  | "creator"
  | "platformAdmin"
  | "otherRoomMember";
const ACTORS: ActorName[] = [
  "anonymous",
  "guest",
  "author",
  "mutedMember",
  "roomAdmin",
  "creator",
  "platformAdmin",
  "otherRoomMember",
];
type Expected = "ok" | number;

const UNAUTH = 1000;
const DENIED = 4000;
const NOT_MEMBER = 4001;
const GUEST_NO = 4008;

interface Scene {
  room: ChatRoom;
  messageId: string;
}

interface Case {
  rpc: string;
  body(scene: Scene): Record<string, unknown>;
  expect: Record<ActorName, Expected>;
}

const reads: Record<ActorName, Expected> = {
  anonymous: UNAUTH,
  // Guests hold no chat permission by default (guestDefaultPermissions is empty).
  guest: DENIED,
  author: "ok",
  mutedMember: "ok",
  roomAdmin: "ok",
  creator: "ok",
  platformAdmin: NOT_MEMBER,
  otherRoomMember: NOT_MEMBER,
};

const cases: Case[] = [
  {
    rpc: "SendChatMessage",
    body: (s) => ({ roomId: s.room.publicId, content: "hi", clientMessageId: nextClientId() }),
    expect: {
      anonymous: UNAUTH,
      guest: DENIED,
      author: "ok",
      mutedMember: DENIED,
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "EditChatMessage",
    body: (s) => ({ roomId: s.room.publicId, messageId: s.messageId, content: "edited", expectedVersion: "1" }),
    expect: {
      anonymous: UNAUTH,
      guest: GUEST_NO,
      author: "ok",
      mutedMember: DENIED,
      roomAdmin: DENIED,
      creator: DENIED,
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  {
    rpc: "DeleteChatMessage",
    body: (s) => ({ roomId: s.room.publicId, messageId: s.messageId, reason: "" }),
    expect: {
      anonymous: UNAUTH,
      guest: DENIED,
      author: "ok",
      mutedMember: DENIED,
      roomAdmin: "ok",
      creator: "ok",
      platformAdmin: NOT_MEMBER,
      otherRoomMember: NOT_MEMBER,
    },
  },
  { rpc: "GetChatHistory", body: (s) => ({ roomId: s.room.publicId }), expect: reads },
  { rpc: "GetChatMessage", body: (s) => ({ roomId: s.room.publicId, messageId: s.messageId }), expect: reads },
];

let t: TestNode;
let chat: ChatClient;
let accounts: Record<Exclude<ActorName, "anonymous" | "guest">, TestAccount>;

beforeAll(async () => {
  t = await startTestNode(GENEROUS_LIMITS);
  chat = new ChatClient(t);
  const [author, mutedMember, roomAdmin, creator, platformAdmin, otherRoomMember] = await Promise.all([
    chat.signUp("cx-author"),
    chat.signUp("cx-muted"),
    chat.signUp("cx-admin"),
    chat.signUp("cx-creator"),
    chat.signUp("cx-platform"),
    chat.signUp("cx-other"),
  ]);
  accounts = { author, mutedMember, roomAdmin, creator, platformAdmin, otherRoomMember };
  await t.database.db.update(users).set({ role: 2 }).where(eq(users.id, platformAdmin.userId));
}, 60_000);
afterAll(async () => t?.close());

async function buildScene(): Promise<Scene> {
  const room = await chat.room(accounts.creator, [accounts.author, accounts.mutedMember], [accounts.roomAdmin]);
  await chat.room(accounts.otherRoomMember);
  // The muted member keeps membership but loses send_chat_messages through its member override.
  const sendBit = bitOf("member", "send_chat_messages");
  if (sendBit === undefined) throw new Error("send_chat_messages has no member bit");
  await t.database.db
    .update(roomMembers)
    .set({ removedPermissions: sendBit })
    .where(and(eq(roomMembers.roomId, room.id), eq(roomMembers.userId, accounts.mutedMember.userId)));
  const sent = await chat.send(room, accounts.author, "the message under test");
  return { room, messageId: sent.message.id };
}

async function tokenFor(actor: ActorName, scene: Scene): Promise<string | undefined> {
  if (actor === "anonymous") return undefined;
  if (actor === "guest") {
    const r = await callJson<{ token: string }>(t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: scene.room.publicId,
    });
    if (r.status !== 200) throw new Error(`guest token: ${JSON.stringify(r.body)}`);
    return r.body.token;
  }
  return accounts[actor].accessToken;
}

describe("chat authorization matrix", () => {
  for (const c of cases) {
    describe(c.rpc, () => {
      for (const actor of ACTORS) {
        const expected = c.expect[actor];
        it(`${actor} → ${expected}`, async () => {
          const scene = await buildScene();
          const r = await chat.call(c.rpc, c.body(scene), await tokenFor(actor, scene));
          if (expected === "ok") expect(r.status, JSON.stringify(r.body)).toBe(200);
          else expect(r.errorInfo?.errorCode, JSON.stringify(r.body)).toBe(expected);
        });
      }
    });
  }
});

describe("room switches and ids", () => {
  it("chat_enabled off refuses sends with FEATURE_DISABLED (4010) while history stays readable", async () => {
    const scene = await buildScene();
    await t.database.db
      .update(roomSettings)
      .set({ settings: { allowGuestJoin: true, chatEnabled: false } })
      .where(eq(roomSettings.roomId, scene.room.id));
    const send = await chat.call(
      "SendChatMessage",
      { roomId: scene.room.publicId, content: "x", clientMessageId: nextClientId() },
      accounts.author.accessToken,
    );
    expect(send.errorInfo?.errorCode).toBe(4010);
    expect((await chat.history(scene.room, accounts.author)).messages).toHaveLength(1);
  });

  it("a message id of another room is NOT_FOUND for every message RPC", async () => {
    const a = await buildScene();
    const b = await buildScene();
    for (const [rpc, body] of [
      ["GetChatMessage", { roomId: a.room.publicId, messageId: b.messageId }],
      ["EditChatMessage", { roomId: a.room.publicId, messageId: b.messageId, content: "x", expectedVersion: "1" }],
      ["DeleteChatMessage", { roomId: a.room.publicId, messageId: b.messageId }],
    ] as const) {
      const r = await chat.call(rpc, body, accounts.author.accessToken);
      expect(r.errorInfo?.errorCode, `${rpc}: ${JSON.stringify(r.body)}`).toBe(2000);
    }
  });
});
