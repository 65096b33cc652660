import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../../src/infra/clock.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import type { RoomEventEnvelope } from "../../src/infra/db/events/room-event-log.js";
import { outboxDeadAfterAttempts, outboxRetryDelayMs } from "../../src/infra/db/outbox/realtime-outbox-queue.js";
import { OutboxStatus, realtimeOutbox } from "../../src/infra/db/schema/index.js";
import { createMemoryStore } from "../../src/infra/store/memory-store.js";
import { OutboxDispatcher } from "../../src/realtime/delivery/outbox-dispatcher.js";
import { assembleRoomEventDelivery, type RoomEventDelivery } from "../../src/realtime/delivery/room-event-delivery.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { buildRoomEventInput, sleep } from "../support/db-fixtures.js";

const silent = pino({ level: "silent" });
let t: TestDatabase;
let nextRoom = 1;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});
// Each test claims from an empty queue, so rows another test left pending cannot show up in its batch.
beforeEach(async () => {
  await t.database.db.delete(realtimeOutbox);
});

async function outboxRow(id: string) {
  const [row] = await t.database.db.select().from(realtimeOutbox).where(eq(realtimeOutbox.id, id));
  return row;
}

describe("room event delivery on a single node", () => {
  const store = createMemoryStore({ clock: systemClock });
  let delivery: RoomEventDelivery;
  let writer: ObservableWriter;

  beforeEach(async () => {
    writer = new ObservableWriter(t.database);
    delivery = await assembleRoomEventDelivery({
      nodeId: "solo",
      database: t.database,
      store,
      writer,
      clock: systemClock,
      log: silent,
      dispatcher: { idlePollMs: 50 },
    });
  });
  afterEach(async () => {
    await delivery.close();
  });

  it("delivers a committed event to a hub subscriber once: after commit, and again from the dispatcher, deduplicated", async () => {
    const roomId = nextRoom++;
    const heard: RoomEventEnvelope[] = [];
    delivery.hub.subscribe(roomId, (e) => heard.push(e));
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    // The fast path is synchronous with the commit.
    expect(heard.map((e) => e.eventId)).toEqual([appended.eventId]);
    await delivery.dispatcher.start();
    await expect
      .poll(async () => (await outboxRow(appended.eventId))?.status, { timeout: 5000 })
      .toBe(OutboxStatus.sent);
    await sleep(100);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ roomId, roomSeq: 1, eventType: "room_settings.updated", scope: "room" });
  });

  it("delivers through the dispatcher alone what another writer committed, in room_seq order, woken by NOTIFY", async () => {
    const roomId = nextRoom++;
    const heard: number[] = [];
    delivery.hub.subscribe(roomId, (e) => heard.push(e.roomSeq));
    await delivery.dispatcher.start();
    const otherWriter = new ObservableWriter(t.database); // no fast path into this hub
    for (let i = 0; i < 3; i++) await otherWriter.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    await otherWriter.run(async (_tx, events) => {
      await events.append(buildRoomEventInput({ roomId }));
      await events.append(buildRoomEventInput({ roomId }));
    });
    await expect.poll(() => heard, { timeout: 20_000 }).toEqual([1, 2, 3, 4, 5]);
  });

  it("stops claiming after stop(): rows committed later stay pending for another node", async () => {
    const roomId = nextRoom++;
    await delivery.dispatcher.start();
    await delivery.dispatcher.stop();
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    await sleep(150);
    expect((await outboxRow(appended.eventId))?.status).toBe(OutboxStatus.pending);
  });
});

describe("a failing bus publish", () => {
  it("retries the row with backoff, counting attempts, and makes it dead after 12 with an ERROR log", async () => {
    const clock = new ManualClock(Date.UTC(2027, 0, 1));
    const logs: { level: number; msg: string; attempts?: number }[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const writer = new ObservableWriter(t.database, { clock });
    const dispatcher = new OutboxDispatcher({
      database: t.database,
      bus: {
        publish: async () => {
          throw new Error("redis is down");
        },
      },
      workerId: "node-x/outbox",
      clock,
      log,
    });
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: nextRoom++ })));

    expect(await dispatcher.dispatchBatch()).toBe(1);
    let row = await outboxRow(appended.eventId);
    expect(row).toMatchObject({
      status: OutboxStatus.pending,
      attempts: 1,
      lockedBy: null,
      lastError: "redis is down",
    });
    expect(row?.nextRetryAt.getTime()).toBe(clock.now() + outboxRetryDelayMs(1));
    // Not due yet: nothing to claim.
    expect(await dispatcher.dispatchBatch()).toBe(0);

    for (let attempt = 2; attempt <= outboxDeadAfterAttempts; attempt++) {
      clock.advance(outboxRetryDelayMs(attempt - 1));
      expect(await dispatcher.dispatchBatch()).toBe(1);
      row = await outboxRow(appended.eventId);
      expect(row?.attempts).toBe(attempt);
    }
    expect(row?.status).toBe(OutboxStatus.dead);
    clock.advance(3_600_000);
    expect(await dispatcher.dispatchBatch()).toBe(0);
    const errors = logs.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ attempts: outboxDeadAfterAttempts });
    expect(errors[0]?.msg).toMatch(/^OUTBOX_DEAD/);
  });

  it("counts a publish that never settles as failed after the publish timeout", async () => {
    const writer = new ObservableWriter(t.database);
    const dispatcher = new OutboxDispatcher({
      database: t.database,
      bus: { publish: () => new Promise(() => {}) },
      workerId: "node-y/outbox",
      log: silent,
      publishTimeoutMs: 20,
    });
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: nextRoom++ })));
    expect(await dispatcher.dispatchBatch()).toBeGreaterThanOrEqual(1);
    expect(await outboxRow(appended.eventId)).toMatchObject({ status: OutboxStatus.pending, attempts: 1 });
  });
});

describe("the stale-lease sweep", () => {
  it("requeues rows a dead dispatcher left processing for more than 120 s", async () => {
    const clock = new ManualClock(Date.UTC(2028, 0, 1));
    const writer = new ObservableWriter(t.database, { clock });
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: nextRoom++ })));
    await t.database.db
      .update(realtimeOutbox)
      .set({ status: OutboxStatus.processing, lockedBy: "dead-node/outbox", lockedAt: new Date(clock.now()) })
      .where(eq(realtimeOutbox.id, appended.eventId));
    const published: string[] = [];
    const dispatcher = new OutboxDispatcher({
      database: t.database,
      bus: { publish: async (e) => void published.push(e.eventId) },
      workerId: "node-z/outbox",
      clock,
      log: silent,
    });
    clock.advance(120_001);
    expect(await dispatcher.sweepStaleLeases()).toBe(1);
    await dispatcher.dispatchBatch();
    expect(published).toContain(appended.eventId);
    expect(await outboxRow(appended.eventId)).toMatchObject({ status: OutboxStatus.sent, attempts: 1 });
  });
});
