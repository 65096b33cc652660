import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../../../../test/support/database.js";
import { buildRoomEventInput, sleep } from "../../../../test/support/db-fixtures.js";
import { ManualClock } from "../../clock.js";
import { ObservableWriter } from "../events/observable-writer.js";
import { OutboxStatus, realtimeOutbox } from "../schema/index.js";
import {
  claimOutboxBatch,
  completeOutboxRows,
  failOutboxRow,
  outboxDeadAfterAttempts,
  outboxRetryDelayMs,
  requeueStaleOutboxRows,
} from "./realtime-outbox-queue.js";

let t: TestDatabase;
let clock: ManualClock;
let writer: ObservableWriter;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.database.db.delete(realtimeOutbox);
  clock = new ManualClock(Date.UTC(2026, 10, 3, 12, 0, 0));
  writer = new ObservableWriter(t.database, { clock });
});

/** Appends `n` events, one transaction each, 1 ms apart; returns their ids in order. */
async function appendEvents(n: number, roomId = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = await writer.run((_tx, events) => events.append(buildRoomEventInput({ roomId })));
    ids.push(event.eventId);
    clock.advance(1);
  }
  return ids;
}

async function outboxRow(id: string) {
  const [row] = await t.database.db.select().from(realtimeOutbox).where(eq(realtimeOutbox.id, id));
  return row;
}

describe("realtime outbox retry policy", () => {
  it("backs off 2ⁿ seconds, capped at 2⁸ = 256 s, never above 300 s", () => {
    expect([1, 2, 3, 8, 9, 12, 50].map(outboxRetryDelayMs)).toEqual([
      2_000, 4_000, 8_000, 256_000, 256_000, 256_000, 256_000,
    ]);
  });
});

describe("claiming outbox rows", () => {
  it("claims due pending rows oldest first, up to the limit, and marks them processing under my lease", async () => {
    const ids = await appendEvents(5);
    const claimed = await claimOutboxBatch(t.database.db, { workerId: "node-a/1", now: clock.now(), limit: 3 });
    expect(claimed.map((r) => r.id)).toEqual(ids.slice(0, 3));
    expect(claimed.every((r) => r.status === OutboxStatus.processing && r.lockedBy === "node-a/1")).toBe(true);
    expect(claimed[0]?.lockedAt?.getTime()).toBe(clock.now());

    const rest = await claimOutboxBatch(t.database.db, { workerId: "node-b/1", now: clock.now() });
    expect(rest.map((r) => r.id)).toEqual(ids.slice(3));
    expect(await claimOutboxBatch(t.database.db, { workerId: "node-c/1", now: clock.now() })).toEqual([]);
  });

  it("does not claim rows whose retry time has not come", async () => {
    const appendedAt = clock.now();
    const [id] = await appendEvents(1);
    const claimed = await claimOutboxBatch(t.database.db, { workerId: "w", now: appendedAt - 1 });
    expect(claimed).toEqual([]);
    expect((await outboxRow(id ?? ""))?.status).toBe(OutboxStatus.pending);
  });
});

describe("completing and failing outbox rows", () => {
  it("marks my claimed rows sent and clears the lease", async () => {
    const ids = await appendEvents(2);
    await claimOutboxBatch(t.database.db, { workerId: "me", now: clock.now() });
    clock.advance(50);
    expect(await completeOutboxRows(t.database.db, { ids, workerId: "me", now: clock.now() })).toEqual(
      expect.arrayContaining(ids),
    );
    const row = await outboxRow(ids[0] ?? "");
    expect(row).toMatchObject({ status: OutboxStatus.sent, lockedBy: null, lockedAt: null });
    expect(row?.dispatchedAt?.getTime()).toBe(clock.now());
  });

  it("ignores a completion or failure from a worker whose lease was requeued and stolen", async () => {
    const [id = ""] = await appendEvents(1);
    await claimOutboxBatch(t.database.db, { workerId: "slow", now: clock.now() });
    clock.advance(120_001);
    expect(await requeueStaleOutboxRows(t.database.db, { now: clock.now() })).toBe(1);
    await claimOutboxBatch(t.database.db, { workerId: "fast", now: clock.now() });

    expect(await completeOutboxRows(t.database.db, { ids: [id], workerId: "slow", now: clock.now() })).toEqual([]);
    expect(await failOutboxRow(t.database.db, { id, workerId: "slow", now: clock.now(), error: "late" })).toBeNull();
    expect(await outboxRow(id)).toMatchObject({ status: OutboxStatus.processing, lockedBy: "fast" });
  });

  it("requeues a failed row after backoff, then makes it dead at the 12th failure", async () => {
    const [id = ""] = await appendEvents(1);
    for (let attempt = 1; attempt <= outboxDeadAfterAttempts; attempt++) {
      const [claimed] = await claimOutboxBatch(t.database.db, { workerId: "w", now: clock.now() });
      expect(claimed?.id).toBe(id);
      const failed = await failOutboxRow(t.database.db, {
        id,
        workerId: "w",
        now: clock.now(),
        error: `boom ${attempt}`,
      });
      expect(failed?.attempts).toBe(attempt);
      if (attempt < outboxDeadAfterAttempts) {
        expect(failed?.status).toBe(OutboxStatus.pending);
        expect(failed?.nextRetryAt.getTime()).toBe(clock.now() + outboxRetryDelayMs(attempt));
        // Not due one millisecond early.
        clock.advance(outboxRetryDelayMs(attempt) - 1);
        expect(await claimOutboxBatch(t.database.db, { workerId: "w", now: clock.now() })).toEqual([]);
        clock.advance(1);
      } else {
        expect(failed?.status).toBe(OutboxStatus.dead);
      }
    }
    expect(await outboxRow(id)).toMatchObject({ status: OutboxStatus.dead, lastError: "boom 12", lockedBy: null });
    clock.advance(3_600_000);
    expect(await claimOutboxBatch(t.database.db, { workerId: "w", now: clock.now() })).toEqual([]);
  });
});

describe("requeueing stale leases", () => {
  it("requeues processing rows leased more than 120 s ago, counting the lost lease as an attempt", async () => {
    const [oldId = "", newId = ""] = await appendEvents(2);
    await claimOutboxBatch(t.database.db, { workerId: "dead-node", now: clock.now(), limit: 1 });
    clock.advance(60_000);
    await claimOutboxBatch(t.database.db, { workerId: "live-node", now: clock.now() });
    clock.advance(60_001); // first lease is 120.001 s old, second 60.001 s

    expect(await requeueStaleOutboxRows(t.database.db, { now: clock.now() })).toBe(1);
    expect(await outboxRow(oldId)).toMatchObject({
      status: OutboxStatus.pending,
      attempts: 1,
      lockedBy: null,
      lastError: "lease expired",
    });
    expect(await outboxRow(newId)).toMatchObject({ status: OutboxStatus.processing, lockedBy: "live-node" });
    const [again] = await claimOutboxBatch(t.database.db, { workerId: "live-node", now: clock.now() });
    expect(again?.id).toBe(oldId);
  });
});

describeOnPostgres("claiming outbox rows concurrently", () => {
  it("four claimers holding their transactions open never claim the same row, and together claim every row", async () => {
    const ids = await appendEvents(200);
    const claimedBy = new Map<string, string[]>();
    const worker = async (workerId: string) => {
      const mine: string[] = [];
      for (;;) {
        const batch = await t.database.tx(async (tx) => {
          const rows = await claimOutboxBatch(tx, { workerId, now: clock.now(), limit: 7 });
          await sleep(3); // keep the row locks while the other claimers run
          return rows;
        });
        if (batch.length === 0) break;
        mine.push(...batch.map((r) => r.id));
      }
      claimedBy.set(workerId, mine);
    };
    await Promise.all(["w1", "w2", "w3", "w4"].map(worker));

    const all = [...claimedBy.values()].flat();
    expect(new Set(all).size).toBe(all.length); // no row claimed twice
    expect(new Set(all)).toEqual(new Set(ids)); // none lost
    expect([...claimedBy.values()].filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
    const rows = await t.database.db
      .select({ id: realtimeOutbox.id, lockedBy: realtimeOutbox.lockedBy })
      .from(realtimeOutbox)
      .where(inArray(realtimeOutbox.id, ids));
    for (const row of rows) expect(claimedBy.get(row.lockedBy ?? "")).toContain(row.id);
  });
});
