import { asc, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../../../../test/support/database.js";
import { buildRoomEventInput, sleep } from "../../../../test/support/db-fixtures.js";
import { ManualClock } from "../../clock.js";
import { OutboxStatus, realtimeOutbox, roomResourceEvents, settings } from "../schema/index.js";
import { ObservableWriter } from "./observable-writer.js";
import { type AppendedRoomEvent, outboxNotifyChannel, type RoomEventEnvelope } from "./room-event-log.js";

let t: TestDatabase;
let nextRoomId = 100;
/** Each test writes to its own room so results never depend on test order. */
const freshRoom = () => nextRoomId++;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function roomSeqs(roomId: number): Promise<number[]> {
  const rows = await t.database.db
    .select({ roomSeq: roomResourceEvents.roomSeq })
    .from(roomResourceEvents)
    .where(eq(roomResourceEvents.roomId, roomId))
    .orderBy(asc(roomResourceEvents.roomSeq));
  return rows.map((r) => r.roomSeq ?? 0);
}

describe("appending room events", () => {
  it("numbers each room's events 1, 2, 3… independently of other rooms", async () => {
    const writer = new ObservableWriter(t.database);
    const [a, b] = [freshRoom(), freshRoom()];
    for (const roomId of [a, b, a, a, b]) {
      await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    }
    expect(await roomSeqs(a)).toEqual([1, 2, 3]);
    expect(await roomSeqs(b)).toEqual([1, 2]);
  });

  it("writes exactly one pending outbox row whose id is the event id, carrying a routable envelope", async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 3, 12, 0, 0, 123));
    const writer = new ObservableWriter(t.database, { clock });
    const roomId = freshRoom();
    const appended = await writer.run((_tx, events) =>
      events.append(buildRoomEventInput({ roomId, userId: 42, traceparent: "00-abc-def-01" })),
    );

    expect(appended.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(appended.occurredAt.toISOString()).toBe("2026-11-03T12:00:00.123Z");
    const outbox = await t.database.db.select().from(realtimeOutbox).where(eq(realtimeOutbox.id, appended.eventId));
    expect(outbox).toHaveLength(1);
    const [row] = outbox;
    expect(row).toMatchObject({
      status: OutboxStatus.pending,
      attempts: 0,
      eventType: "room_settings.updated",
      aggregateType: "room",
      aggregateId: String(roomId),
      traceparent: "00-abc-def-01",
      lockedBy: null,
    });
    expect(row?.nextRetryAt.getTime()).toBe(clock.now());
    const envelope = row?.payload as RoomEventEnvelope;
    expect(envelope).toMatchObject({
      eventId: appended.eventId,
      roomId,
      roomSeq: appended.roomSeq,
      sequence: appended.sequence,
      userId: 42,
      payload: { settings: { chatEnabled: true } },
      summary: { changed: ["chatEnabled"] },
      occurredAt: "2026-11-03T12:00:00.123Z",
    });
    const [event] = await t.database.db
      .select()
      .from(roomResourceEvents)
      .where(eq(roomResourceEvents.eventId, appended.eventId));
    expect(event).toMatchObject({ scopeType: 1, roomId, roomSeq: 1, sequence: appended.sequence, userId: 42 });
  });

  it("tells after-commit listeners about the committed events, once, after commit", async () => {
    const writer = new ObservableWriter(t.database);
    const heard: AppendedRoomEvent[][] = [];
    writer.onCommitted((events) => heard.push([...events]));
    const roomId = freshRoom();
    const eventIds = await writer.run(async (_tx, events) => {
      const first = await events.append(buildRoomEventInput({ roomId }));
      const second = await events.append(buildRoomEventInput({ roomId, eventType: "room_settings.reset" }));
      expect(heard).toEqual([]); // not before commit
      return [first.eventId, second.eventId];
    });
    expect(heard).toHaveLength(1);
    expect(heard[0]?.map((e) => e.eventId)).toEqual(eventIds);
    expect(heard[0]?.map((e) => e.roomSeq)).toEqual([1, 2]);
  });

  it("leaves neither the event, the outbox row nor the business change behind when the transaction rolls back, and calls no listener", async () => {
    const writer = new ObservableWriter(t.database);
    let heard = 0;
    writer.onCommitted(() => heard++);
    const roomId = freshRoom();
    let eventId = "";
    await expect(
      writer.run(async (tx, events) => {
        await tx
          .update(settings)
          .set({ value: { v: "rolled back" } })
          .where(eq(settings.key, "server.name"));
        eventId = (await events.append(buildRoomEventInput({ roomId }))).eventId;
        throw new Error("business rule failed after the append");
      }),
    ).rejects.toThrow("business rule failed");

    expect(heard).toBe(0);
    expect(await roomSeqs(roomId)).toEqual([]);
    const [outbox] = await t.database.db
      .select({ n: count() })
      .from(realtimeOutbox)
      .where(eq(realtimeOutbox.id, eventId));
    expect(outbox?.n).toBe(0);
    const [name] = await t.database.db.select().from(settings).where(eq(settings.key, "server.name"));
    expect(name?.value).not.toEqual({ v: "rolled back" });
    // The next committed event still gets room_seq 1: a rollback leaves no hole.
    await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    expect(await roomSeqs(roomId)).toEqual([1]);
  });

  it("keeps the write committed when a listener throws, and reports the listener's error", async () => {
    const errors: unknown[] = [];
    const writer = new ObservableWriter(t.database, { onListenerError: (e) => errors.push(e) });
    writer.onCommitted(() => {
      throw new Error("hub down");
    });
    const roomId = freshRoom();
    const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    expect(appended.roomSeq).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("notifies realtime_outbox_new with the event id on commit", async () => {
    const received: string[] = [];
    const unlisten = await t.database.listen(outboxNotifyChannel, (id) => received.push(id));
    try {
      const writer = new ObservableWriter(t.database);
      const appended = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: freshRoom() })));
      await expect.poll(() => received, { timeout: 5000 }).toContain(appended.eventId);
    } finally {
      await unlisten();
    }
  });

  it("rejects a room id that is not a positive safe integer before touching the database", async () => {
    const writer = new ObservableWriter(t.database);
    await expect(writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId: 0 })))).rejects.toThrow(
      RangeError,
    );
  });
});

describeOnPostgres("appending room events concurrently", () => {
  it("20 concurrent writers in one room, with 5 more rolling back, produce room_seq 1..20 with no gaps or duplicates", async () => {
    const writer = new ObservableWriter(t.database);
    const roomId = freshRoom();
    const writes = Array.from({ length: 25 }, (_, i) =>
      writer
        .run(async (_tx, events) => {
          await sleep(i % 3); // interleave transaction starts
          const event = await events.append(buildRoomEventInput({ roomId }));
          await sleep(1); // hold the event-order lock for a moment
          if (i % 5 === 4) throw new Error("rollback");
          return event;
        })
        .then(
          (event) => event,
          () => null,
        ),
    );
    const committed = (await Promise.all(writes)).filter((e): e is AppendedRoomEvent => e !== null);
    expect(committed).toHaveLength(20);
    expect(committed.map((e) => e.roomSeq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await roomSeqs(roomId)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const [outbox] = await t.database.db
      .select({ n: count() })
      .from(realtimeOutbox)
      .where(
        inArray(
          realtimeOutbox.id,
          committed.map((e) => e.eventId),
        ),
      );
    expect(outbox?.n).toBe(20);
  });
});
