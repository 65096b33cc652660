// Room presence over the real node (03 §2, 02 Room.presence / RoomMember.is_online): a user with two
// connections counts once, a guest apart; GetRoom, DiscoverRooms and ListRoomMembers report it;
// online_count and online_event observations deliver it live; client_report RTTs set the lead of a
// scheduled start (03 §3.3, §4.5).
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ClientPlayerState,
  OnlineCountObservationSchema,
  OnlineEventKind,
  OnlineEventObservationSchema,
  type ResourceEvent,
} from "../../gen/synctv/v1/realtime_pb.js";
import { RoomMemberRole } from "../../gen/synctv/v1/room_pb.js";
import { defaultAppCode } from "../../src/core/errors.js";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { connect, createTicket, REALTIME_ENV, type TestSocket } from "./realtime-client.js";

/** view_members in the member bitspace (04 §9.1: member bit 3). */
const VIEW_MEMBERS_MEMBER_BIT = "8";

type Presence = { onlineMemberCount?: number; onlineGuestCount?: number; connectionCount?: number };
type WireMember = { userId: string; isOnline?: boolean; connectionCount?: number };

let n: MembersNode;
let port: number;
let owner: TestUser;

beforeAll(async () => {
  n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000" });
  port = n.t.node.realtime.port;
  owner = await mintUser(n);
});
afterAll(() => n?.close());

async function open(room: TestRoom, token: string): Promise<TestSocket> {
  const socket = await connect(port, room.publicId, await createTicket(n.t, room.publicId, token));
  await socket.next("welcome");
  return socket;
}

async function guestToken(room: TestRoom): Promise<string> {
  const r = await callJson<{ token: string }>(n.t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
    roomId: room.publicId,
  });
  expect(r.status).toBe(200);
  return r.body.token;
}

const counts = (p: Presence | undefined) => ({
  members: p?.onlineMemberCount ?? 0,
  guests: p?.onlineGuestCount ?? 0,
  connections: p?.connectionCount ?? 0,
});

async function roomPresence(room: TestRoom) {
  const r = await callJson<{ room: { presence?: Presence } }>(
    n.t.baseUrl,
    "synctv.v1.RoomService/GetRoom",
    { roomId: room.publicId },
    owner.token,
  );
  expect(r.status).toBe(200);
  return counts(r.body.room.presence);
}

type Payload<K> = Extract<ResourceEvent["payload"], { case: K }>["value"];

/** The first payload of an observation that satisfies `match`, skipping earlier ones. */
async function payloadWhere<K extends "onlineCount" | "onlineEvent">(
  socket: TestSocket,
  observeId: string,
  kind: K,
  match: (value: Payload<K>) => boolean,
): Promise<Payload<K>> {
  for (;;) {
    const event = await socket.next("resourceEvent");
    if (event.observeId !== observeId || event.payload.case !== kind) continue;
    const value = event.payload.value as Payload<K>;
    if (match(value)) return value;
  }
}

describe("room presence", () => {
  it("a user's two connections count once, a guest apart, in GetRoom, room lists and ListRoomMembers", async () => {
    const room = await makeRoom(n, { createdBy: owner.id, isPublic: true, allowGuestJoin: true });
    const absent = await mintUser(n);
    await addStoredMember(n.db, room.id, absent.id);
    expect(await roomPresence(room)).toEqual({ members: 0, guests: 0, connections: 0 });

    const sockets = [
      await open(room, owner.token),
      await open(room, owner.token),
      await open(room, await guestToken(room)),
    ];
    // Registration finishes just after welcome: a liveness wait, not a timing threshold.
    await vi.waitFor(async () => expect(await roomPresence(room)).toEqual({ members: 1, guests: 1, connections: 3 }), {
      timeout: 20_000,
      interval: 50,
    });

    const listed = await n.room<{ members: WireMember[]; presence: Presence }>(
      "ListRoomMembers",
      { roomId: room.publicId },
      owner.token,
    );
    expect(listed.status).toBe(200);
    expect(counts(listed.body.presence)).toEqual({ members: 1, guests: 1, connections: 3 });
    const byId = new Map(listed.body.members.map((m) => [m.userId, m]));
    expect(byId.get(owner.publicId)).toMatchObject({ isOnline: true, connectionCount: 2 });
    expect(byId.get(absent.publicId)?.isOnline ?? false).toBe(false);

    const discovered = await callJson<{ rooms: { room: { id: string; presence?: Presence } }[] }>(
      n.t.baseUrl,
      "synctv.v1.RoomService/DiscoverRooms",
      { pageSize: 100 },
      owner.token,
    );
    const item = discovered.body.rooms.find((r) => r.room.id === room.publicId);
    expect(counts(item?.room.presence)).toEqual({ members: 1, guests: 1, connections: 3 });
    const mine = await callJson<{ rooms: { room: { id: string; presence?: Presence } }[] }>(
      n.t.baseUrl,
      "synctv.v1.UserService/ListMyRooms",
      { pageSize: 100 },
      owner.token,
    );
    const myItem = mine.body.rooms.find((r) => r.room.id === room.publicId);
    expect(counts(myItem?.room.presence)).toEqual({ members: 1, guests: 1, connections: 3 });

    for (const socket of sockets) await socket.close();
    // Closed connections leave presence held for the resume window, but no connection.
    await vi.waitFor(async () => expect((await roomPresence(room)).connections).toBe(0), {
      timeout: 20_000,
      interval: 50,
    });
  });

  it("online_count gives the counters at once and again when they change", async () => {
    const room = await makeRoom(n, { createdBy: owner.id, isPublic: true, allowGuestJoin: true });
    const watcher = await open(room, owner.token);
    watcher.send({
      message: {
        case: "observeResource",
        value: { observeId: "count", resource: { case: "onlineCount", value: create(OnlineCountObservationSchema) } },
      },
    });
    const observed = await watcher.next("resourceObserved");
    expect(observed.changed).toBe(true);
    // The first value may predate the watcher's own registration; changes follow until it shows.
    const own = await payloadWhere(watcher, "count", "onlineCount", (c) => c.connectionCount === 1);
    expect(own).toMatchObject({ onlineMemberCount: 1, onlineGuestCount: 0 });

    const guest = await open(room, await guestToken(room));
    const joined = await payloadWhere(watcher, "count", "onlineCount", (c) => c.onlineGuestCount === 1);
    expect(joined).toMatchObject({ onlineMemberCount: 1, connectionCount: 2 });
    await guest.close();
    // The guest's presence is held for the resume window; its connection is gone.
    const closed = await payloadWhere(watcher, "count", "onlineCount", (c) => c.connectionCount === 1);
    expect(closed).toMatchObject({ onlineMemberCount: 1, onlineGuestCount: 1 });
    await watcher.close();
  });

  it("online_event names who came online; it needs view_members", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const watcher = await open(room, owner.token);
    watcher.send({
      message: {
        case: "observeResource",
        value: { observeId: "events", resource: { case: "onlineEvent", value: create(OnlineEventObservationSchema) } },
      },
    });
    expect((await watcher.next("resourceObserved")).changed).toBe(false);

    const member = await mintUser(n);
    await addStoredMember(n.db, room.id, member.id);
    const memberSocket = await open(room, member.token);
    // The watcher's own JOINED may come first.
    const event = await payloadWhere(watcher, "events", "onlineEvent", (e) => e.userId === member.publicId);
    expect(event).toMatchObject({
      kind: OnlineEventKind.JOINED,
      userId: member.publicId,
      guestId: "",
      username: member.username,
      role: RoomMemberRole.MEMBER,
    });
    expect(event.occurredAt).toBeGreaterThan(0n);

    // A member without view_members is refused.
    const removed = await n.room(
      "UpdateMemberPermissions",
      { roomId: room.publicId, userId: member.publicId, removedPermissions: VIEW_MEMBERS_MEMBER_BIT },
      owner.token,
    );
    expect(removed.status).toBe(200);
    memberSocket.send({
      message: {
        case: "observeResource",
        value: { observeId: "denied", resource: { case: "onlineEvent", value: create(OnlineEventObservationSchema) } },
      },
    });
    const refused = await memberSocket.next("resourceObserveError");
    expect(refused.error?.code).toBe(defaultAppCode.PERMISSION_DENIED);
    await memberSocket.close();
    await watcher.close();
  });
});

describe("client reports and the scheduled-start lead", () => {
  async function play(room: TestRoom) {
    const r = await callJson<{ playbackState: { anchorAt: string; serverTimeMs: string } }>(
      n.t.baseUrl,
      "synctv.v1.PlaybackService/UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PLAY" },
      owner.token,
    );
    expect(r.status).toBe(200);
    return Number(r.body.playbackState.anchorAt) - Number(r.body.playbackState.serverTimeMs);
  }

  it("anchor_at − now is 150 ms without reports and follows twice the room's p95 RTT after them", async () => {
    const room = await makeRoom(n, { createdBy: owner.id });
    const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
    await setPlaying(n.db, room.id, media.id, { isPlaying: false, position: 5 });
    expect(await play(room)).toBe(150);

    const socket = await open(room, owner.token);
    socket.send({
      message: {
        case: "clientReport",
        value: { driftMs: -20, rttMs: 400, bufferedAheadMs: 3000, state: ClientPlayerState.READY },
      },
    });
    // Commands run in order: the error of the bad report after it proves the good one was recorded.
    socket.send({ message: { case: "clientReport", value: { rttMs: -5 } } });
    expect((await socket.next("error")).code).toBe(defaultAppCode.INVALID_ARGUMENT);
    await callJson(
      n.t.baseUrl,
      "synctv.v1.PlaybackService/UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
      owner.token,
    );
    expect(await play(room)).toBe(800);
    await socket.close();
  });
});
