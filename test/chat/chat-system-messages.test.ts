// System chat messages from the core transitions (issue 7): SYSTEM_MEMBER_JOINED is written once per
// membership — when JoinRoom, AddMember or a review approval makes a user a member — and never on a
// revisit or a realtime connect; leaving and joining again is a new membership and gets a new message.
// SYSTEM_PLAYBACK_CHANGED records every source change with its reason, in the change's transaction.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomSettings } from "../../src/infra/db/schema/index.js";
import { connect, createTicket } from "../realtime/realtime-client.js";
import type { TestAccount } from "../support/accounts.js";
import { callJson } from "../support/connect-json.js";
import { insertMedia } from "../support/fixtures/index.js";
import { startTestNode, type TestNode } from "../support/node-harness.js";
import { ChatClient, type ChatRoom, GENEROUS_LIMITS, type WireChatMessage } from "./chat-harness.js";

let t: TestNode;
let chat: ChatClient;
let owner: TestAccount;

const JOINED = "CHAT_MESSAGE_TYPE_SYSTEM_MEMBER_JOINED";
const PLAYBACK = "CHAT_MESSAGE_TYPE_SYSTEM_PLAYBACK_CHANGED";

beforeAll(async () => {
  t = await startTestNode({ ...GENEROUS_LIMITS, SYNCTV_REALTIME_HOST: "127.0.0.1" });
  chat = new ChatClient(t);
  owner = await chat.signUp("sys-owner");
}, 60_000);
afterAll(async () => t?.close());

const rooms = (method: string, body: unknown, token: string) =>
  callJson<Record<string, unknown>>(t.baseUrl, `synctv.v1.RoomService/${method}`, body, token);
const playback = (method: string, body: unknown, token: string) =>
  callJson<Record<string, unknown>>(t.baseUrl, `synctv.v1.PlaybackService/${method}`, body, token);

async function systemMessages(room: ChatRoom, type: string): Promise<WireChatMessage[]> {
  return (await chat.history(room, owner, { includeMessageTypes: [type], limit: 100 })).messages;
}

describe("SYSTEM_MEMBER_JOINED", () => {
  it("JoinRoom writes one; a second JoinRoom (revisit) and a realtime connect write none", async () => {
    const room = await chat.room(owner);
    const bob = await chat.signUp("sys-bob");
    expect((await rooms("JoinRoom", { roomId: room.publicId }, bob.accessToken)).status).toBe(200);
    expect((await rooms("JoinRoom", { roomId: room.publicId }, bob.accessToken)).status).toBe(200);
    const socket = await connect(
      t.node.realtime.port,
      room.publicId,
      await createTicket(t, room.publicId, bob.accessToken),
    );
    await socket.close();
    const joined = await systemMessages(room, JOINED);
    expect(joined).toHaveLength(1);
    expect(joined[0]?.userId ?? "").toBe("");
    expect(joined[0]?.metadata).toEqual({ memberJoined: { userId: bob.publicId, username: bob.username } });
    expect(joined[0]?.content).toBe(`${bob.username} joined the room`);
  });

  it("leaving and joining again is a new membership: a second message", async () => {
    const room = await chat.room(owner);
    const carol = await chat.signUp("sys-carol");
    await rooms("JoinRoom", { roomId: room.publicId }, carol.accessToken);
    expect((await rooms("LeaveRoom", { roomId: room.publicId }, carol.accessToken)).status).toBe(200);
    await rooms("JoinRoom", { roomId: room.publicId }, carol.accessToken);
    expect(await systemMessages(room, JOINED)).toHaveLength(2);
  });

  it("AddMember and a review approval each write one", async () => {
    const room = await chat.room(owner);
    const added = await chat.signUp("sys-added");
    expect(
      (await rooms("AddMember", { roomId: room.publicId, userId: added.publicId }, owner.accessToken)).status,
    ).toBe(200);
    await t.database.db
      .update(roomSettings)
      .set({ settings: { allowGuestJoin: true, requireApproval: true } })
      .where(eq(roomSettings.roomId, room.id));
    const applicant = await chat.signUp("sys-applicant");
    const pending = await rooms("JoinRoom", { roomId: room.publicId }, applicant.accessToken);
    const reviewId = (pending.body.joinReview as { id: string } | undefined)?.id;
    expect(reviewId).toMatch(/^rev_/);
    expect(await systemMessages(room, JOINED)).toHaveLength(1);
    const approved = await rooms("ApproveRoomJoinReview", { roomId: room.publicId, reviewId }, owner.accessToken);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const joined = await systemMessages(room, JOINED);
    expect(joined.map((m) => (m.metadata?.memberJoined as { userId?: string } | undefined)?.userId)).toEqual([
      applicant.publicId,
      added.publicId,
    ]);
  });
});

describe("SYSTEM_PLAYBACK_CHANGED", () => {
  it("records each source change with from, to and the reason; a play/pause writes none", async () => {
    const room = await chat.room(owner);
    const items = [];
    for (const name of ["first clip", "second clip"]) {
      const m = await insertMedia(t.database.db, { roomId: room.id, creatorId: owner.userId, name });
      items.push({ publicId: chat.ids.encode("med", m.id), name });
    }
    const start = await playback(
      "StartPlayback",
      { roomId: room.publicId, mediaId: items[0]?.publicId },
      owner.accessToken,
    );
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect((await playback("PlayNext", { roomId: room.publicId }, owner.accessToken)).status).toBe(200);
    expect(
      (
        await playback(
          "UpdatePlaybackState",
          { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
          owner.accessToken,
        )
      ).status,
    ).toBe(200);
    const changes = await systemMessages(room, PLAYBACK);
    expect(changes.map((m) => m.metadata?.playbackChanged)).toEqual([
      {
        from: { mediaId: items[0]?.publicId, name: "first clip" },
        to: { mediaId: items[1]?.publicId, name: "second clip" },
        reason: "PLAYBACK_CHANGE_REASON_NEXT",
      },
      { to: { mediaId: items[0]?.publicId, name: "first clip" }, reason: "PLAYBACK_CHANGE_REASON_SELECTED" },
    ]);
    expect(changes[0]?.content).toBe("Now playing: second clip");
  });

  it("a user message sent while something plays carries the server's playback stamp", async () => {
    const room = await chat.room(owner);
    const m = await insertMedia(t.database.db, { roomId: room.id, creatorId: owner.userId, name: "stamped" });
    const mediaId = chat.ids.encode("med", m.id);
    await playback("StartPlayback", { roomId: room.publicId, mediaId }, owner.accessToken);
    const event = await chat.send(room, owner, "what a scene");
    expect(event.message.playbackMediaId).toBe(mediaId);
    expect(event.message.playbackPositionSeconds).toBeGreaterThanOrEqual(0);
  });
});
