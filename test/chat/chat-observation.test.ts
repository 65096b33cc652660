// Chat over the realtime channel (issue #6 acceptance 1 and 4, spec 03 §2): an observer of
// playback_state and chat_events receives what another client does through unary RPCs, in JSON and in
// protobuf framing; a member who loses view_chat_history stops receiving chat events at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatMessageEventKind, ChatMessageType } from "../../gen/synctv/v1/chat_pb.js";
import { defaultAppCode } from "../../src/core/errors.js";
import { event, observe, observed, observeError, payloadOf, unread } from "../realtime/observation-client.js";
import { connect, createTicket, type Framing, REALTIME_ENV, type TestSocket } from "../realtime/realtime-client.js";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { nextClientId } from "./chat-harness.js";

/** view_chat_history in the member bitspace (04 §9.1: member bit 4). */
const VIEW_CHAT_HISTORY_MEMBER_BIT = "16";

let n: MembersNode;
let owner: TestUser;

beforeAll(async () => {
  n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000" });
  owner = await mintUser(n);
});
afterAll(() => n?.close());

async function ok(service: string, method: string, body: unknown, token: string) {
  const r = await callJson(n.t.baseUrl, `synctv.v1.${service}/${method}`, body, token);
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function roomWithMember(): Promise<{ room: TestRoom; member: TestUser }> {
  const room = await makeRoom(n, { createdBy: owner.id });
  const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
  await setPlaying(n.db, room.id, media.id, { isPlaying: false, position: 0 });
  const member = await mintUser(n);
  await ok("RoomService", "JoinRoom", { roomId: room.publicId }, member.token);
  return { room, member };
}

async function open(room: TestRoom, user: TestUser, framing: Framing): Promise<TestSocket> {
  const socket = await connect(
    n.t.node.realtime.port,
    room.publicId,
    await createTicket(n.t, room.publicId, user.token),
    framing,
  );
  await socket.next("welcome");
  return socket;
}

/** Cursor 0 replays the retained log: the member's own SYSTEM_MEMBER_JOINED message comes first. */
async function replayedJoin(socket: TestSocket, observeId: string): Promise<void> {
  await observed(socket, observeId);
  const joined = payloadOf(await event(socket, observeId), "chatEvent");
  expect(joined.message?.messageType).toBe(ChatMessageType.SYSTEM_MEMBER_JOINED);
}

const say = (room: TestRoom, who: TestUser, content: string) =>
  ok("ChatService", "SendChatMessage", { roomId: room.publicId, content, clientMessageId: nextClientId() }, who.token);

describe("observing playback_state and chat_events", () => {
  for (const framing of ["json", "protobuf"] as const) {
    it(`(${framing}) another client's SendChatMessage and UpdatePlaybackState arrive as resource events`, async () => {
      const { room, member } = await roomWithMember();
      const socket = await open(room, member, framing);
      observe(socket, "pb", { resource: { case: "playbackState", value: {} } });
      observe(socket, "chat", { resource: { case: "chatEvents", value: { afterEventSequence: 0n } } });
      await observed(socket, "pb");
      const before = payloadOf(await event(socket, "pb"), "playbackState");
      await replayedJoin(socket, "chat");

      const sent = (await say(room, owner, `hello over ${framing}`)) as { event: { eventId: string } };
      const chat = await event(socket, "chat");
      const chatEvent = payloadOf(chat, "chatEvent");
      expect(chatEvent.kind).toBe(ChatMessageEventKind.CREATED);
      expect(chatEvent.message?.content).toBe(`hello over ${framing}`);
      expect(chatEvent.eventId).toBe(sent.event.eventId);
      expect(chat.cursor?.eventId).toBe(sent.event.eventId);

      await ok(
        "PlaybackService",
        "UpdatePlaybackState",
        { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 12 },
        owner.token,
      );
      const state = payloadOf(await event(socket, "pb"), "playbackState");
      expect(state.position).toBe(12);
      expect(state.version).toBe(before.version + 1n);
      await socket.close();
    });
  }
});

describe("view_chat_history is checked on every delivery", () => {
  it("a member who loses it stops receiving chat events at once and cannot observe again", async () => {
    const { room, member } = await roomWithMember();
    const socket = await open(room, member, "json");
    observe(socket, "chat", { resource: { case: "chatEvents", value: { afterEventSequence: 0n } } });
    observe(socket, "pb", { resource: { case: "playbackState", value: {} } });
    await replayedJoin(socket, "chat");
    await observed(socket, "pb");
    await event(socket, "pb");

    await say(room, owner, "seen");
    expect(payloadOf(await event(socket, "chat"), "chatEvent").message?.content).toBe("seen");

    await ok(
      "RoomService",
      "UpdateMemberPermissions",
      { roomId: room.publicId, userId: member.publicId, removedPermissions: VIEW_CHAT_HISTORY_MEMBER_BIT },
      owner.token,
    );
    expect((await observeError(socket, "chat")).error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    await say(room, owner, "not for you");
    // A playback change after the message is a barrier in this connection's event order.
    await ok(
      "PlaybackService",
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
      owner.token,
    );
    await event(socket, "pb");
    expect(unread(socket, "chat")).toEqual([]);

    observe(socket, "chat2", { resource: { case: "chatEvents", value: {} } });
    expect((await observeError(socket, "chat2")).error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    await socket.close();
  });
});
