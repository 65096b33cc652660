// Presence across two nodes (03 §2, §2.3, 08 §7): two whole nodes in this process on one database
// and one store — two Redis connections under one key prefix when SYNCTV_TEST_REDIS_URL is set (as
// two processes would have), two handles on one in-process store otherwise. Counts, is_online and
// online events are room-wide; a resume on the other node is silent.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OnlineEventKind, OnlineEventObservationSchema } from "../../gen/synctv/v1/realtime_pb.js";
import { systemClock } from "../../src/infra/clock.js";
import { createMemoryStore, createMemoryStoreState } from "../../src/infra/store/memory-store.js";
import { createRedisStore } from "../../src/infra/store/redis-store.js";
import type { ShortLivedStore } from "../../src/infra/store/types.js";
import type { RunningNode } from "../../src/main.js";
import { addStoredMember, type MembersNode, makeRoom, mintUser, type TestRoom } from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../support/store.js";
import { startClusterNode } from "./cluster-nodes.js";
import { createTicket, TestSocket } from "./realtime-client.js";

const redisUrl = testRedisUrl();
const keyPrefix = uniqueTestKeyPrefix();
let dataDir: string;
let testDb: TestDatabase;
let stores: ShortLivedStore[];
let nodes: RunningNode[];
/** Node A and node B as the member fixtures see them (same secrets, same database). */
let a: MembersNode;
let b: MembersNode;

async function openStores(): Promise<ShortLivedStore[]> {
  if (redisUrl === undefined) {
    const state = createMemoryStoreState();
    return [createMemoryStore({ clock: systemClock, state }), createMemoryStore({ clock: systemClock, state })];
  }
  const open = () => createRedisStore({ url: redisUrl, keyPrefix, connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 });
  return [await open(), await open()];
}

function startPresenceNode(name: string, store: ShortLivedStore): Promise<[RunningNode, MembersNode]> {
  return startClusterNode({
    name,
    dataDir,
    testDb,
    store,
    env: { SYNCTV_REALTIME_RESUME_WINDOW_MS: "1000", SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "10000" },
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "synctv-cluster-"));
  testDb = await createTestDatabase();
  stores = await openStores();
  const [nodeA, membersA] = await startPresenceNode("node-a", stores[0] as ShortLivedStore);
  const [nodeB, membersB] = await startPresenceNode("node-b", stores[1] as ShortLivedStore);
  nodes = [nodeA, nodeB];
  [a, b] = [membersA, membersB];
}, 60_000);

afterAll(async () => {
  for (const node of nodes ?? []) await node.stop({ force: true });
  for (const store of stores ?? []) await store.close();
  if (redisUrl !== undefined) await deleteRedisKeysWithPrefix(redisUrl, keyPrefix);
  await testDb?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Opens a socket on `via`'s realtime port with a ticket issued by `via`; optionally resuming. */
async function open(via: MembersNode, room: TestRoom, token: string, resume = "") {
  const ticket = await createTicket(via.t, room.publicId, token);
  const query = `ticket=${ticket}&format=json${resume === "" ? "" : `&resume=${encodeURIComponent(resume)}`}`;
  const ws = new WebSocket(`ws://127.0.0.1:${via.t.node.realtime.port}/ws/rooms/${room.publicId}?${query}`);
  const socket = new TestSocket(ws, "json");
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("websocket failed to open")));
  });
  return { socket, resumeToken: (await socket.next("welcome")).resumeToken };
}

async function presenceVia(via: MembersNode, room: TestRoom, token: string) {
  const r = await via.room<{ room: { presence?: Record<string, number> } }>(
    "GetRoom",
    { roomId: room.publicId },
    token,
  );
  const p = r.body.room.presence ?? {};
  return { members: p.onlineMemberCount ?? 0, guests: p.onlineGuestCount ?? 0, connections: p.connectionCount ?? 0 };
}

describe("presence across two nodes", () => {
  it("counts are room-wide: one user on both nodes counts once, a guest apart, every connection counted", async () => {
    const owner = await mintUser(a);
    const room = await makeRoom(a, { createdBy: owner.id, isPublic: true, allowGuestJoin: true });
    const guest = await callJson<{ token: string }>(b.t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: room.publicId,
    });
    const sockets = [
      await open(a, room, owner.token),
      await open(b, room, owner.token),
      await open(b, room, guest.body.token),
    ];
    const expected = { members: 1, guests: 1, connections: 3 };
    // Liveness waits while the nodes register: not timing thresholds.
    await expect.poll(() => presenceVia(a, room, owner.token), { timeout: 20_000, interval: 50 }).toEqual(expected);
    await expect.poll(() => presenceVia(b, room, owner.token), { timeout: 20_000, interval: 50 }).toEqual(expected);

    const listed = await a.room<{ members: { userId: string; isOnline?: boolean; connectionCount?: number }[] }>(
      "ListRoomMembers",
      { roomId: room.publicId },
      owner.token,
    );
    expect(listed.body.members.find((m) => m.userId === owner.publicId)).toMatchObject({
      isOnline: true,
      connectionCount: 2,
    });
    for (const { socket } of sockets) await socket.close();
  });

  it("online events cross nodes, and a resume on the other node is silent", async () => {
    const owner = await mintUser(a);
    const room = await makeRoom(a, { createdBy: owner.id });
    const [alice, bob] = [await mintUser(a), await mintUser(a)];
    for (const user of [alice, bob]) await addStoredMember(a.db, room.id, user.id);

    const watcher = (await open(b, room, owner.token)).socket;
    watcher.send({
      message: {
        case: "observeResource",
        value: { observeId: "online", resource: { case: "onlineEvent", value: create(OnlineEventObservationSchema) } },
      },
    });
    await watcher.next("resourceObserved");
    const heard: string[] = [];
    const until = async (entry: string) => {
      while (!heard.includes(entry)) {
        const event = await watcher.next("resourceEvent");
        if (event.payload.case !== "onlineEvent" || event.payload.value.userId === owner.publicId) continue;
        const e = event.payload.value;
        heard.push(`${e.kind === OnlineEventKind.JOINED ? "JOINED" : "LEFT"}:${e.username}`);
      }
      return heard;
    };

    const bobSocket = (await open(a, room, bob.token)).socket;
    const first = await open(a, room, alice.token);
    await until(`JOINED:${alice.username}`);
    await first.socket.close();
    await expect
      .poll(async () => (await presenceVia(b, room, owner.token)).connections, { timeout: 20_000, interval: 25 })
      .toBe(2);
    // Alice comes back on the other node with her token: the same presence.
    const resumed = await open(b, room, alice.token, first.resumeToken);
    await bobSocket.close();
    expect(await until(`LEFT:${bob.username}`)).toEqual([
      `JOINED:${bob.username}`,
      `JOINED:${alice.username}`,
      `LEFT:${bob.username}`,
    ]);
    await resumed.socket.close();
    await watcher.close();
  });
});
