import { and, eq, lte } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryMode } from "../../gen/synctv/v1/common_pb.js";
import { PlaybackUpdateType } from "../../gen/synctv/v1/playback_pb.js";
import { RealtimeTerminationCode, type ResourceEvent } from "../../gen/synctv/v1/realtime_pb.js";
import { RoomMemberEventKind } from "../../gen/synctv/v1/room_pb.js";
import { AppCode, defaultAppCode } from "../../src/core/errors.js";
import { roomResourceEvents } from "../../src/infra/db/schema/index.js";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { ensurePlaybackState, insertMedia, setPlaying } from "../support/fixtures/index.js";
import { event, observe, observed, observeError, payloadOf, unread } from "./observation-client.js";
import { connect, createTicket, type Framing, REALTIME_ENV, type TestSocket } from "./realtime-client.js";

/** Bounds a test that waits for a server-initiated close; uWS's end timeout is 13–17 s here. */
const CLOSE_WITHIN_MS = 8000;

/** view_members in the member bitspace (04 §9.1: member bit 3). */
const VIEW_MEMBERS_MEMBER_BIT = "8";

let n: MembersNode;
let port: number;
let owner: TestUser;

beforeAll(async () => {
  n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000" });
  port = n.t.node.realtime.port;
  owner = await mintUser(n);
});
afterAll(() => n?.close());

async function open(room: TestRoom, user: TestUser, framing: Framing = "json"): Promise<TestSocket> {
  const socket = await connect(port, room.publicId, await createTicket(n.t, room.publicId, user.token), framing);
  await socket.next("welcome");
  return socket;
}

/** A guest of a room that admits guests (CreateGuestToken, then a ticket). */
async function openAsGuest(room: TestRoom): Promise<TestSocket> {
  const guest = await callJson<{ token: string }>(n.t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
    roomId: room.publicId,
  });
  if (guest.status !== 200) throw new Error(`CreateGuestToken: ${guest.status} ${JSON.stringify(guest.body)}`);
  const socket = await connect(port, room.publicId, await createTicket(n.t, room.publicId, guest.body.token));
  await socket.next("welcome");
  return socket;
}

async function ok(method: string, body: unknown, token: string, service = "RoomService") {
  const r = await callJson(n.t.baseUrl, `synctv.v1.${service}/${method}`, body, token);
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function memberJoins(room: TestRoom): Promise<TestUser> {
  const user = await mintUser(n);
  await ok("JoinRoom", { roomId: room.publicId }, user.token);
  return user;
}

async function playingRoom(): Promise<TestRoom> {
  const room = await makeRoom(n, { createdBy: owner.id });
  const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
  await setPlaying(n.db, room.id, media.id);
  return room;
}

/** A barrier in the connection's event order: a playback change it observes arrives after everything before it. */
async function playbackBarrier(socket: TestSocket, room: TestRoom, observeId: string): Promise<void> {
  await ok(
    "UpdatePlaybackState",
    { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
    owner.token,
    "PlaybackService",
  );
  await event(socket, observeId);
}

describe("snapshot resources", () => {
  for (const framing of ["json", "protobuf"] as const) {
    it(`playback_state (${framing}): the snapshot, then another client's UpdatePlaybackState as a resource_event`, async () => {
      const room = await makeRoom(n, { createdBy: owner.id });
      const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
      await setPlaying(n.db, room.id, media.id, { isPlaying: true, position: 5 });
      const viewer = await memberJoins(room);
      const socket = await open(room, viewer, framing);

      observe(socket, "pb", { resource: { case: "playbackState", value: { knownVersion: 0n } } });
      const ack = await observed(socket, "pb");
      expect(ack.changed).toBe(true);
      const first = payloadOf(await event(socket, "pb"), "playbackState");
      expect(first.playing).toBe(true);
      expect(first.playingMediaId).toBe(n.ids.encode("med", media.id));
      expect(ack.cursor?.sequence).toBe(first.version);

      const updated = await ok(
        "UpdatePlaybackState",
        { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 42 },
        owner.token,
        "PlaybackService",
      );
      const live = await event(socket, "pb");
      const state = payloadOf(live, "playbackState");
      expect(state.position).toBe(42);
      expect(state.version).toBe(first.version + 1n);
      expect(String(state.version)).toBe((updated.playbackState as { version: string }).version);
      expect(live.cursor?.sequence).toBe(state.version);
      await socket.close();
    });
  }

  it("a playback_state_update sent on the socket itself comes back to its observer", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
    await setPlaying(n.db, room.id, media.id, { isPlaying: true });
    const socket = await open(room, owner);
    observe(socket, "pb", { resource: { case: "playbackState", value: {} } });
    await observed(socket, "pb");
    await event(socket, "pb");
    socket.send({ message: { case: "playbackStateUpdate", value: { type: PlaybackUpdateType.PAUSE } } });
    expect(payloadOf(await event(socket, "pb"), "playbackState").playing).toBe(false);
    await socket.close();
  });

  it("playback: the player-ready view of the current source, re-sent when StartPlayback changes it", async () => {
    const room = await playingRoom();
    const next = await insertMedia(n.db, {
      roomId: room.id,
      creatorId: owner.id,
      url: "https://cdn.example.com/next.mp4",
    });
    const viewer = await memberJoins(room);
    const socket = await open(room, viewer);
    observe(socket, "player", { resource: { case: "playback", value: {} } });
    expect((await observed(socket, "player")).changed).toBe(true);
    const before = payloadOf(await event(socket, "player"), "playback");
    expect(before.mediaId).not.toBe("");

    await ok(
      "StartPlayback",
      { roomId: room.publicId, mediaId: n.ids.encode("med", next.id) },
      owner.token,
      "PlaybackService",
    );
    const after = await event(socket, "player");
    const view = payloadOf(after, "playback");
    expect(view.mediaId).toBe(n.ids.encode("med", next.id));
    expect(view.playbackInfos?.direct?.medias[0]?.url).toBe("https://cdn.example.com/next.mp4");
    expect(after.cursor?.sequence).toBeGreaterThan(0n);
    await socket.close();
  });

  it("NOTIFY_ONLY sends changed_only; a known_version equal to the current one answers changed=false", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const socket = await open(room, owner);

    observe(socket, "full", { resource: { case: "roomSettings", value: {} } });
    const fullAck = await observed(socket, "full");
    const snapshot = payloadOf(await event(socket, "full"), "roomSettings");
    expect(fullAck.changed).toBe(true);
    expect(fullAck.cursor?.sequence).toBe(snapshot.version);
    expect(snapshot.settings?.chatEnabled).toBeDefined();

    observe(socket, "same", { resource: { case: "roomSettings", value: { knownVersion: snapshot.version } } });
    const sameAck = await observed(socket, "same");
    expect(sameAck.changed).toBe(false);
    expect(sameAck.cursor?.sequence).toBe(snapshot.version);

    observe(socket, "notify", {
      deliveryMode: DeliveryMode.NOTIFY_ONLY,
      resource: { case: "roomSettings", value: {} },
    });
    expect((await observed(socket, "notify")).changed).toBe(true);
    expect((await event(socket, "notify")).payload.case).toBe("changedOnly");

    await ok(
      "UpdateRoomSettings",
      { roomId: room.publicId, settings: { chatEnabled: false }, updateMask: "chatEnabled" },
      owner.token,
    );
    const pushed = await event(socket, "full");
    expect(payloadOf(pushed, "roomSettings").settings?.chatEnabled).toBe(false);
    expect(pushed.cursor?.sequence).toBe(snapshot.version + 1n);
    const notified = await event(socket, "notify");
    expect(notified.payload.case).toBe("changedOnly");
    expect(notified.cursor?.sequence).toBe(snapshot.version + 1n);
    // The unchanged observation got no snapshot at observe time, and now its one change.
    expect(payloadOf(await event(socket, "same"), "roomSettings").version).toBe(snapshot.version + 1n);
    expect(unread(socket, "same")).toEqual([]);
    await socket.close();
  });

  it("playlist_items: the listing for members, re-sent after AddMedia with the new version", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const viewer = await memberJoins(room);
    const socket = await open(room, viewer);
    observe(socket, "lib", { resource: { case: "playlistItems", value: {} } });
    await observed(socket, "lib");
    const before = payloadOf(await event(socket, "lib"), "playlistItems");
    expect(before.media).toEqual([]);

    await ok(
      "AddMedia",
      {
        roomId: room.publicId,
        name: "Clip",
        sourceConfig: { directUrl: { medias: [{ url: "https://cdn.example.com/clip.mp4" }] } },
      },
      owner.token,
      "PlaylistService",
    );
    const after = await event(socket, "lib");
    const listing = payloadOf(after, "playlistItems");
    expect(listing.media.map((m) => m.name)).toEqual(["Clip"]);
    expect(listing.version).toBeGreaterThan(before.version);
    expect(after.cursor?.sequence).toBe(listing.version);
    await socket.close();
  });

  it("self_room_member: the caller's row, re-sent when the caller's membership changes", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const viewer = await memberJoins(room);
    const socket = await open(room, viewer);
    observe(socket, "me", { resource: { case: "selfRoomMember", value: {} } });
    await observed(socket, "me");
    const me = payloadOf(await event(socket, "me"), "selfRoomMember");
    expect(me.userId).toBe(viewer.publicId);

    await ok(
      "UpdateMemberPermissions",
      { roomId: room.publicId, userId: viewer.publicId, role: "ROOM_MEMBER_ROLE_ADMIN" },
      owner.token,
    );
    const promoted = payloadOf(await event(socket, "me"), "selfRoomMember");
    expect(promoted.role).not.toBe(me.role);
    expect(promoted.version).toBeGreaterThan(me.version);
    await socket.close();
  });

  it("self_room_member is for signed-in members: a guest is refused", async () => {
    const room = await makeRoom(n, { createdBy: owner.id, allowGuestJoin: true });
    const socket = await openAsGuest(room);
    observe(socket, "me", { resource: { case: "selfRoomMember", value: { knownVersion: 0n } } });
    expect((await observeError(socket, "me")).error?.code).toBe(AppCode.GUEST_NOT_ALLOWED);
    // Resources open to anyone admitted still work for the guest.
    observe(socket, "settings", { resource: { case: "roomSettings", value: {} } });
    expect((await observed(socket, "settings")).changed).toBe(true);
    await socket.close();
  });

  it("playback_history: the first page, re-sent when StartPlayback records an entry", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    await ensurePlaybackState(n.db, room.id);
    const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id, name: "Feature" });
    const socket = await open(room, owner);
    observe(socket, "hist", { resource: { case: "playbackHistory", value: { limit: 10 } } });
    await observed(socket, "hist");
    expect(payloadOf(await event(socket, "hist"), "playbackHistory").entries).toEqual([]);

    await ok(
      "StartPlayback",
      { roomId: room.publicId, mediaId: n.ids.encode("med", media.id) },
      owner.token,
      "PlaybackService",
    );
    const page = payloadOf(await event(socket, "hist"), "playbackHistory");
    expect(page.entries.map((e) => e.mediaName)).toEqual(["Feature"]);
    await socket.close();
  });

  it("playback_history needs view_playback_history: a plain member is refused at observe time", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const viewer = await memberJoins(room);
    const socket = await open(room, viewer);
    observe(socket, "hist", { resource: { case: "playbackHistory", value: {} } });
    expect((await observeError(socket, "hist")).error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    await socket.close();
  });
});

describe("observation bookkeeping", () => {
  it("a duplicate observe_id is refused, unobserve stops delivery, unregistered resources answer UNIMPLEMENTED", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
    await setPlaying(n.db, room.id, media.id);
    const socket = await open(room, owner);
    observe(socket, "a", { resource: { case: "playbackState", value: {} } });
    observe(socket, "b", { resource: { case: "playbackState", value: {} } });
    await observed(socket, "a");
    await observed(socket, "b");
    await event(socket, "a");
    await event(socket, "b");
    observe(socket, "a", { resource: { case: "roomSettings", value: {} } });
    expect((await observeError(socket, "a")).error?.code).toBe(defaultAppCode.ALREADY_EXISTS);
    observe(socket, "chat", { resource: { case: "chatPinEvents", value: {} } });
    expect((await observeError(socket, "chat")).error?.code).toBe(defaultAppCode.UNIMPLEMENTED);

    socket.send({ message: { case: "unobserveResource", value: { observeId: "a" } } });
    // After the unobserve is handled (commands run in order: a later observe answers after it).
    observe(socket, "c", { resource: { case: "roomSettings", value: {} } });
    await observed(socket, "c");
    await playbackBarrier(socket, room, "b");
    expect(unread(socket, "a")).toEqual([]);
    await socket.close();
  });
});

describe("room_member_events", () => {
  it("reconnecting with the last cursor replays exactly the missed events in order, then live ones", async () => {
    const room = await playingRoom();
    const early = await memberJoins(room);
    const first = await open(room, owner);
    observe(first, "members", { resource: { case: "roomMemberEvents", value: { afterEventSequence: 0n } } });
    const ack = await observed(first, "members");
    expect(ack.changed).toBe(true);
    const history = await event(first, "members");
    const joined = payloadOf(history, "roomMemberEvent");
    expect(joined.kind).toBe(RoomMemberEventKind.JOINED);
    expect(joined.userId).toBe(early.publicId);
    expect(joined.username).toBe(early.username);
    expect(ack.cursor?.sequence).toBe(history.cursor?.sequence);
    const cursor = history.cursor?.sequence ?? 0n;
    await first.close();

    // While disconnected: a join, a permission change, a playback change (another resource) and a leave.
    const late = await memberJoins(room);
    await ok(
      "UpdateMemberPermissions",
      { roomId: room.publicId, userId: late.publicId, removedPermissions: "1" },
      owner.token,
    );
    await ok(
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
      owner.token,
      "PlaybackService",
    );
    await ok("LeaveRoom", { roomId: room.publicId }, late.token);

    const again = await open(room, owner);
    observe(again, "members", { resource: { case: "roomMemberEvents", value: { afterEventSequence: cursor } } });
    observe(again, "pb", { resource: { case: "playbackState", value: {} } });
    expect((await observed(again, "members")).changed).toBe(true);
    const missed = [await event(again, "members"), await event(again, "members"), await event(again, "members")];
    expect(missed.map((e) => payloadOf(e, "roomMemberEvent").kind)).toEqual([
      RoomMemberEventKind.JOINED,
      RoomMemberEventKind.PERMISSION_CHANGED,
      RoomMemberEventKind.LEFT,
    ]);
    expect(missed.every((e) => payloadOf(e, "roomMemberEvent").userId === late.publicId)).toBe(true);
    const sequences = missed.map((e) => e.cursor?.sequence ?? 0n);
    expect(sequences[0]).toBeGreaterThan(cursor);
    expect([...sequences].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequences);
    expect(new Set(missed.map((e) => e.cursor?.eventId)).size).toBe(3);
    expect(missed.map((e) => payloadOf(e, "roomMemberEvent").sequence)).toEqual(sequences);
    const changed = payloadOf(missed[1] as ResourceEvent, "roomMemberEvent");
    expect(changed.member?.removedPermissions).toBe(1n);

    // Then live, with nothing replayed twice.
    await observed(again, "pb");
    await event(again, "pb");
    const third = await memberJoins(room);
    const live = await event(again, "members");
    expect(payloadOf(live, "roomMemberEvent").userId).toBe(third.publicId);
    expect(live.cursor?.sequence).toBeGreaterThan(sequences[2] as bigint);
    await playbackBarrier(again, room, "pb");
    expect(unread(again, "members")).toEqual([]);
    await again.close();
  });

  it("a member who loses view_members stops receiving at once and is refused afterwards", async () => {
    const room = await playingRoom();
    const watcher = await memberJoins(room);
    const socket = await open(room, watcher);
    observe(socket, "members", { resource: { case: "roomMemberEvents", value: { afterEventSequence: 0n } } });
    observe(socket, "pb", { resource: { case: "playbackState", value: {} } });
    await observed(socket, "members");
    expect(payloadOf(await event(socket, "members"), "roomMemberEvent").userId).toBe(watcher.publicId);
    await observed(socket, "pb");
    await event(socket, "pb");

    const other = await memberJoins(room);
    expect(payloadOf(await event(socket, "members"), "roomMemberEvent").userId).toBe(other.publicId);

    await ok(
      "UpdateMemberPermissions",
      { roomId: room.publicId, userId: watcher.publicId, removedPermissions: VIEW_MEMBERS_MEMBER_BIT },
      owner.token,
    );
    const ended = await observeError(socket, "members");
    expect(ended.error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    // The change that removed the permission is itself not delivered, nor anything after it.
    await memberJoins(room);
    await playbackBarrier(socket, room, "pb");
    expect(unread(socket, "members")).toEqual([]);

    observe(socket, "members2", { resource: { case: "roomMemberEvents", value: {} } });
    expect((await observeError(socket, "members2")).error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    await socket.close();
  });

  it("a cursor older than the retained log fails with FAILED_PRECONDITION; 0 replays what is retained", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const a = await memberJoins(room);
    await memberJoins(room);
    const c = await memberJoins(room);
    // Retention pruned the two oldest entries.
    const [oldest] = await n.db
      .select({ seq: roomResourceEvents.roomSeq })
      .from(roomResourceEvents)
      .where(eq(roomResourceEvents.roomId, room.id))
      .orderBy(roomResourceEvents.roomSeq)
      .limit(1);
    const firstSeq = oldest?.seq ?? 0;
    await n.db
      .delete(roomResourceEvents)
      .where(and(eq(roomResourceEvents.roomId, room.id), lte(roomResourceEvents.roomSeq, firstSeq + 1)));

    const socket = await open(room, owner);
    observe(socket, "old", { resource: { case: "roomMemberEvents", value: { afterEventSequence: BigInt(firstSeq) } } });
    const expired = await observeError(socket, "old");
    expect(expired.error?.code).toBe(defaultAppCode.FAILED_PRECONDITION);
    expect(expired.error?.message).toMatch(/cursor expired/);

    observe(socket, "edge", {
      resource: { case: "roomMemberEvents", value: { afterEventSequence: BigInt(firstSeq + 1) } },
    });
    await observed(socket, "edge");
    expect(payloadOf(await event(socket, "edge"), "roomMemberEvent").userId).toBe(c.publicId);

    observe(socket, "all", { resource: { case: "roomMemberEvents", value: { afterEventSequence: 0n } } });
    await observed(socket, "all");
    expect(payloadOf(await event(socket, "all"), "roomMemberEvent").userId).toBe(c.publicId);
    expect(a.publicId).not.toBe(c.publicId);
    await socket.close();
  });
});

describe("terminations", () => {
  // The close is made outside any uWS callback (a room event's continuation). The test's own timeout
  // stays under uWS's end timeout (13–17 s here), which is when a close frame sent without the
  // server's FIN used to reach the client (see RealtimeConnection.end).
  it(
    "a kicked member's socket gets termination ROOM_MEMBERSHIP_REVOKED, then the close frame with its code and reason",
    async () => {
      const room = await makeRoom(n, { createdBy: owner.id });
      const member = await memberJoins(room);
      const socket = await open(room, member);
      await ok(
        "KickMember",
        { roomId: room.publicId, userId: member.publicId, kickCooldownSeconds: "60" },
        owner.token,
      );
      const termination = await socket.next("termination");
      expect(termination.code).toBe(RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED);
      expect(await socket.closed).toEqual({ code: 1008, reason: termination.message });
      // The termination is the last message: nothing follows it.
      expect(socket.received.filter((m) => m.message.case === "termination")).toEqual([]);
    },
    CLOSE_WITHIN_MS,
  );

  it("a member who leaves has every connection ended with ROOM_MEMBERSHIP_REVOKED; others stay", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const member = await memberJoins(room);
    const tabs = [await open(room, member), await open(room, member)];
    const bystander = await open(room, owner);
    await ok("LeaveRoom", { roomId: room.publicId }, member.token);
    for (const tab of tabs) {
      expect((await tab.next("termination")).code).toBe(RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED);
    }
    bystander.send({ message: { case: "heartbeat", value: { clientTimeMs: 1n } } });
    await bystander.next("heartbeatAck");
    await bystander.close();
  });

  it("deleting the room ends every connection with ROOM_DELETED", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const member = await memberJoins(room);
    const sockets = [await open(room, owner), await open(room, member)];
    await ok("DeleteRoom", { roomId: room.publicId }, owner.token);
    for (const socket of sockets) {
      expect((await socket.next("termination")).code).toBe(RealtimeTerminationCode.ROOM_DELETED);
    }
  });

  it("turning guest access off ends guest connections with GUEST_ACCESS_REVOKED; members stay", async () => {
    const room = await makeRoom(n, { createdBy: owner.id, allowGuestJoin: true });
    const guestSocket = await openAsGuest(room);
    const memberSocket = await open(room, owner);

    await ok(
      "UpdateRoomSettings",
      { roomId: room.publicId, settings: { allowGuestJoin: false }, updateMask: "allowGuestJoin" },
      owner.token,
    );
    expect((await guestSocket.next("termination")).code).toBe(RealtimeTerminationCode.GUEST_ACCESS_REVOKED);
    memberSocket.send({ message: { case: "heartbeat", value: { clientTimeMs: 1n } } });
    await memberSocket.next("heartbeatAck");
    await memberSocket.close();
  });
});
