// Observation across two nodes on one PostgreSQL and one Redis (issue #6 acceptance 5, spec 03 §2.1,
// 08 §7.4): a change committed through node A reaches an observer connected to node B, and when node A
// commits but never publishes (its dispatcher is gone, as if it died right after the commit), node B's
// dispatcher claims the outbox row and still delivers it — exactly once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OutboxStatus, realtimeOutbox } from "../../src/infra/db/schema/index.js";
import { createRedisStore } from "../../src/infra/store/redis-store.js";
import type { ShortLivedStore } from "../../src/infra/store/types.js";
import type { RunningNode } from "../../src/main.js";
import { type MembersNode, makeRoom, mintUser, type TestRoom, type TestUser } from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../support/database.js";
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../support/store.js";
import { startClusterNode } from "./cluster-nodes.js";
import { event, observe, observed, payloadOf, unread } from "./observation-client.js";
import { connect, createTicket, type TestSocket } from "./realtime-client.js";

const redisUrl = testRedisUrl();

describeOnPostgres("observation across two nodes sharing PostgreSQL and Redis", () => {
  if (redisUrl === undefined) {
    it.skip("cross-node observation — needs Redis (set SYNCTV_TEST_REDIS_URL)", () => {});
    return;
  }
  const keyPrefix = uniqueTestKeyPrefix();
  let dataDir: string;
  let testDb: TestDatabase;
  const stores: ShortLivedStore[] = [];
  const running: RunningNode[] = [];
  let a: MembersNode;
  let b: MembersNode;
  let owner: TestUser;

  async function startRedisNode(name: string): Promise<MembersNode> {
    const store = await createRedisStore({
      url: redisUrl as string,
      keyPrefix,
      connectTimeoutSeconds: 5,
      commandTimeoutSeconds: 5,
    });
    stores.push(store);
    const [node, members] = await startClusterNode({
      name,
      dataDir,
      testDb,
      store,
      env: { SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000" },
    });
    running.push(node);
    return members;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "synctv-cluster-observe-"));
    testDb = await createTestDatabase();
    a = await startRedisNode("node-a");
    b = await startRedisNode("node-b");
    owner = await mintUser(a);
  }, 60_000);

  afterAll(async () => {
    for (const node of running) await node.stop({ force: true });
    for (const store of stores) await store.close();
    await deleteRedisKeysWithPrefix(redisUrl, keyPrefix);
    await testDb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function playingRoom(): Promise<TestRoom> {
    const room = await makeRoom(a, { createdBy: owner.id });
    const media = await insertMedia(a.db, { roomId: room.id, creatorId: owner.id });
    await setPlaying(a.db, room.id, media.id, { isPlaying: false, position: 0 });
    return room;
  }

  /** A member of the room watching playback_state through node B. */
  async function observerOnB(room: TestRoom): Promise<TestSocket> {
    const viewer = await mintUser(b);
    const joined = await b.room("JoinRoom", { roomId: room.publicId }, viewer.token);
    expect(joined.status).toBe(200);
    const socket = await connect(
      b.t.node.realtime.port,
      room.publicId,
      await createTicket(b.t, room.publicId, viewer.token),
    );
    await socket.next("welcome");
    observe(socket, "pb", { resource: { case: "playbackState", value: {} } });
    await observed(socket, "pb");
    await event(socket, "pb");
    return socket;
  }

  async function seekThroughA(room: TestRoom, position: number): Promise<string> {
    const r = await callJson<{ playbackState: { version: string } }>(
      a.t.baseUrl,
      "synctv.v1.PlaybackService/UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position },
      owner.token,
    );
    expect(r.status).toBe(200);
    return r.body.playbackState.version;
  }

  it("a change committed on node A reaches the observer on node B", async () => {
    const room = await playingRoom();
    const socket = await observerOnB(room);
    const version = await seekThroughA(room, 30);
    const state = payloadOf(await event(socket, "pb"), "playbackState");
    expect(state.position).toBe(30);
    expect(String(state.version)).toBe(version);
    await socket.close();
  });

  it("node A dies between commit and publish: node B's dispatcher publishes the outbox row, delivered once", async () => {
    const room = await playingRoom();
    const socket = await observerOnB(room);
    // Node A stops publishing: its commits stay in realtime_outbox as pending rows.
    const [nodeA] = running;
    await nodeA?.outbox.stop();
    const version = await seekThroughA(room, 45);

    const state = payloadOf(await event(socket, "pb"), "playbackState");
    expect(state.position).toBe(45);
    expect(String(state.version)).toBe(version);
    // Only node B's dispatcher was running, and node B's hub hears other nodes only through the bus.
    const [row] = await a.db
      .select({ status: realtimeOutbox.status })
      .from(realtimeOutbox)
      .where(
        and(
          eq(realtimeOutbox.aggregateType, "playback_state"),
          eq(realtimeOutbox.aggregateId, String(room.id)),
          eq(realtimeOutbox.aggregateVersion, Number(version)),
        ),
      );
    expect(row?.status).toBe(OutboxStatus.sent);

    // A later change (also published by node B) is a barrier: nothing was delivered twice before it.
    await seekThroughA(room, 46);
    expect(payloadOf(await event(socket, "pb"), "playbackState").position).toBe(46);
    expect(unread(socket, "pb")).toEqual([]);
    await socket.close();
  });
});
