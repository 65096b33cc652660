// Two nodes on one PostgreSQL and one Redis (08 §7.4): each node has its own database connection,
// store handle, hub, bus subscription and dispatcher; they share only the key prefix.
import { eq, inArray, sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, beforeEach, expect, it } from "vitest";
import { systemClock } from "../../src/infra/clock.js";
import { type Database, openDatabase } from "../../src/infra/db/database.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import { OutboxStatus, realtimeOutbox } from "../../src/infra/db/schema/index.js";
import { createRedisStore } from "../../src/infra/store/redis-store.js";
import type { ShortLivedStore } from "../../src/infra/store/types.js";
import { assembleRoomEventDelivery, type RoomEventDelivery } from "../../src/realtime/delivery/room-event-delivery.js";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../support/database.js";
import { buildRoomEventInput, sleep } from "../support/db-fixtures.js";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../support/store.js";

const silent = pino({ level: "silent" });
const redisUrl = testRedisUrl();

interface TestNode {
  database: Database;
  store: ShortLivedStore;
  writer: ObservableWriter;
  delivery: RoomEventDelivery;
  /** Every envelope its hub delivered, as `roomId:roomSeq`. */
  heard: string[];
  gaps: string[];
  close(): Promise<void>;
}

describeOnPostgres("room event delivery across two nodes", () => {
  if (redisUrl === undefined) {
    it.skip("two-node delivery — needs Redis (set SYNCTV_TEST_REDIS_URL)", () => {});
    return;
  }
  let t: TestDatabase;
  let keyPrefix: string;
  let nodes: TestNode[];

  async function startNode(name: string): Promise<TestNode> {
    // The second connection of a node goes to the per-file database createTestDatabase made.
    const rows = await t.database.db.execute<{ name: string }>(sql`SELECT current_database() AS name`);
    const [row] = Array.isArray(rows) ? rows : [];
    const url = new URL(process.env["SYNCTV_TEST_DATABASE_URL"] ?? "");
    url.pathname = `/${row?.name}`;
    const database = await openDatabase({ url: url.toString(), pgliteDir: null, maxConnections: 5 });
    const store = await createRedisStore({
      url: redisUrl as string,
      keyPrefix,
      connectTimeoutSeconds: 5,
      commandTimeoutSeconds: 5,
    });
    const writer = new ObservableWriter(database);
    const heard: string[] = [];
    const gaps: string[] = [];
    const delivery = await assembleRoomEventDelivery({
      nodeId: name,
      database,
      store,
      writer,
      clock: systemClock,
      log: silent,
      onGap: (roomId, expected, got) => gaps.push(`${roomId}:${expected}-${got}`),
      dispatcher: { idlePollMs: 200 },
    });
    delivery.hub.subscribeAll((e) => heard.push(`${e.roomId}:${e.roomSeq}`));
    let closed = false;
    const node: TestNode = {
      database,
      store,
      writer,
      delivery,
      heard,
      gaps,
      async close() {
        if (closed) return;
        closed = true;
        await delivery.close();
        await store.close();
        await database.close();
      },
    };
    nodes.push(node);
    return node;
  }

  async function outboxStatuses(ids: string[]) {
    const rows = await t.database.db
      .select({ status: realtimeOutbox.status })
      .from(realtimeOutbox)
      .where(inArray(realtimeOutbox.id, ids));
    return rows.map((r) => r.status);
  }

  beforeEach(async () => {
    t = await createTestDatabase();
    keyPrefix = uniqueTestKeyPrefix();
    nodes = [];
  });
  afterEach(async () => {
    for (const node of nodes) await node.close();
    await t.drop();
    await deleteRedisKeysWithPrefix(redisUrl, keyPrefix);
  });

  it("an event committed on node A reaches node B's hub, each event exactly once per hub, in room_seq order", async () => {
    const a = await startNode("node-a");
    const b = await startNode("node-b");
    await Promise.all([a.delivery.dispatcher.start(), b.delivery.dispatcher.start()]);
    const roomId = 41;
    const ids: string[] = [];
    // Single commits, each awaited on B before the next …
    for (let i = 1; i <= 5; i++) {
      const e = await a.writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
      ids.push(e.eventId);
      await expect.poll(() => b.heard.length, { timeout: 20_000 }).toBe(i);
    }
    // … and a burst committed in one transaction, claimed and published as one ordered batch.
    const burst = await a.writer.run(async (_tx, events) => {
      const out: string[] = [];
      for (let i = 0; i < 20; i++) out.push((await events.append(buildRoomEventInput({ roomId }))).eventId);
      return out;
    });
    ids.push(...burst);
    const expected = Array.from({ length: 25 }, (_, i) => `${roomId}:${i + 1}`);
    await expect.poll(() => b.heard, { timeout: 20_000 }).toEqual(expected);
    await expect.poll(() => outboxStatuses(ids), { timeout: 20_000 }).toEqual(ids.map(() => OutboxStatus.sent));
    // Let any straggling duplicate from the bus arrive before counting.
    await sleep(300);
    expect(a.heard).toEqual(expected);
    expect(b.heard).toEqual(expected);
    expect([...a.gaps, ...b.gaps]).toEqual([]);
  });

  it("killing node A after commit but before publish still delivers the event, through node B's dispatcher", async () => {
    const a = await startNode("node-a");
    const b = await startNode("node-b");
    // A commits but its dispatcher never runs; then A goes away.
    const appended = await a.writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: 42 })));
    await a.close();
    expect(b.heard).toEqual([]);
    await b.delivery.dispatcher.start();
    await expect.poll(() => b.heard, { timeout: 20_000 }).toEqual(["42:1"]);
    // The row is marked sent just after the publish the subscriber already heard.
    const row = async () =>
      (await t.database.db.select().from(realtimeOutbox).where(eq(realtimeOutbox.id, appended.eventId)))[0];
    await expect.poll(async () => (await row())?.status, { timeout: 20_000 }).toBe(OutboxStatus.sent);
    expect(await row()).toMatchObject({ attempts: 0, lockedBy: null });
  });
});
