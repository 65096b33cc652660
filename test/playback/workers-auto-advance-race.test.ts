// The auto-advance worker driving the real PlaybackTransitions (07 §14.2, 03 §3.5): a due room moves to
// its next item, SEQUENTIAL at the end pauses, and — on PostgreSQL — two nodes racing over the same
// rooms advance each exactly once, guarded by the version and generation they observed.
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PlaybackTransitions } from "../../src/core/playback/playback-transitions.js";
import { type AutoAdvanceTick, AutoAdvanceWorker } from "../../src/core/playback/workers/auto-advance-worker.js";
import { LocalConnectionRegistry } from "../../src/core/realtime-runtime/connection-runtime.js";
import { RoomAccess } from "../../src/core/rooms/room-access.js";
import { staticSettings } from "../../src/core/settings/runtime-settings.js";
import { ManualClock } from "../../src/infra/clock.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import { roomPlaybackHistory } from "../../src/infra/db/partitions/playback-history-table.js";
import {
  type JsonObject,
  PlaybackKind,
  playbackSourceMetadata,
  roomPlaybackState,
  SourceMetadataStatus,
} from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../support/database.js";
import { insertMedia, insertRoom, insertUser, setPlaying } from "../support/fixtures/index.js";

const silent = pino({ level: "silent" });
let t: TestDatabase;
let clock: ManualClock;
let creatorId: number;

beforeAll(async () => {
  t = await createTestDatabase();
  creatorId = (await insertUser(t.database.db)).id;
});
afterAll(async () => {
  await t.drop();
});
beforeEach(() => {
  // History rows take created_at from the database's now(), and the partition gate creates partitions for
  // the clock's day: the clock must start at the real time or the insert finds no partition.
  clock = new ManualClock(Date.now());
});

/** The real transitions as a node builds them: its own writer and partition gate. */
function transitionsOfANode(): PlaybackTransitions {
  return new PlaybackTransitions({
    database: t.database,
    writer: new ObservableWriter(t.database, { clock }),
    access: new RoomAccess(t.database, staticSettings(), clock),
    clock,
    random: cryptoRandom,
    sleep: async () => {},
  });
}

/** One node: its own transitions and its own connection registry. */
function node(...roomIds: number[]): AutoAdvanceWorker {
  const transitions = transitionsOfANode();
  const settings = staticSettings();
  const registry = new LocalConnectionRegistry();
  for (const id of roomIds) registry.connect(id);
  return new AutoAdvanceWorker({ database: t.database, runtime: registry, transitions, settings, clock, log: silent });
}

/** A room with `items` media in its root, the first playing 99.5 s into its known 100 s. */
async function roomAtEndOfFirst(items = 2, settings?: JsonObject) {
  const db = t.database.db;
  const room = await insertRoom(db, { createdBy: creatorId, ...(settings ? { settings } : {}) });
  const mediaIds: number[] = [];
  for (let i = 0; i < items; i++) mediaIds.push((await insertMedia(db, { roomId: room.id, creatorId })).id);
  const first = mediaIds[0] as number;
  const state = await setPlaying(db, room.id, first, { position: 0, anchorAt: new Date(clock.now() - 99_500) });
  await db.insert(playbackSourceMetadata).values({
    roomId: room.id,
    mediaId: first,
    targetHash: "",
    status: SourceMetadataStatus.available,
    playbackKind: PlaybackKind.regular,
    durationSeconds: 100,
    source: 2,
  });
  return { roomId: room.id, mediaIds, generation: state.generation, version: state.version };
}

async function stateOf(roomId: number) {
  const [row] = await t.database.db.select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, roomId));
  if (row === undefined) throw new Error(`no playback state for room ${roomId}`);
  return row;
}

async function historyCount(roomId: number): Promise<number> {
  const rows = await t.database.db
    .select({ id: roomPlaybackHistory.id })
    .from(roomPlaybackHistory)
    .where(eq(roomPlaybackHistory.roomId, roomId));
  return rows.length;
}

function total(ticks: readonly AutoAdvanceTick[], outcome: "advanced" | "conflict" | "ended" | "error"): number {
  return ticks.reduce((sum, tick) => sum + (tick.outcomes[outcome] ?? 0), 0);
}

describe("auto-advance through the real transition", () => {
  it("a due room moves to its next item, playing from 0, with one history entry", async () => {
    const room = await roomAtEndOfFirst();
    const tick = await node(room.roomId).tick();
    expect(tick).toEqual({ due: 1, outcomes: { advanced: 1 } });
    const state = await stateOf(room.roomId);
    expect(state.playingMediaId).toBe(room.mediaIds[1]);
    expect(state.generation).toBe(room.generation + 1);
    expect(state.isPlaying).toBe(true);
    expect(await historyCount(room.roomId)).toBe(1);
  });

  it("SEQUENTIAL at the last item pauses at the end (ended)", async () => {
    const room = await roomAtEndOfFirst(1);
    expect(await node(room.roomId).tick()).toEqual({ due: 1, outcomes: { ended: 1 } });
    const state = await stateOf(room.roomId);
    expect(state.isPlaying).toBe(false);
    expect(state.playingMediaId).toBe(room.mediaIds[0]);
    expect(state.generation).toBe(room.generation);
  });

  it("with auto-play off nothing is written", async () => {
    const room = await roomAtEndOfFirst(2, { autoPlay: { enabled: false } });
    expect(await node(room.roomId).tick()).toEqual({ due: 0, outcomes: {} });
    expect((await stateOf(room.roomId)).version).toBe(room.version);
  });

  it("a node without a connection to the room never advances it, however late it is", async () => {
    const room = await roomAtEndOfFirst();
    clock.advance(3_600_000);
    const elsewhere = node();
    expect(await elsewhere.tick()).toEqual({ due: 0, outcomes: {} });
    const state = await stateOf(room.roomId);
    expect(state.version).toBe(room.version);
    expect(state.playingMediaId).toBe(room.mediaIds[0]);
  });

  it("a stale observation (a member acted since) is a quiet conflict", async () => {
    const room = await roomAtEndOfFirst();
    const worker = node(room.roomId);
    // A member's write lands between a worker's read and its transition: a version bump, as every write does.
    const transitions = transitionsOfANode();
    const stale = { version: room.version, generation: room.generation };
    await t.database.db
      .update(roomPlaybackState)
      .set({ version: sql`${roomPlaybackState.version} + 1` })
      .where(eq(roomPlaybackState.roomId, room.roomId));
    expect(await transitions.autoAdvance(room.roomId, stale)).toBe("conflict");
    // The worker itself reads afresh and advances on its next tick.
    expect(await worker.tick()).toEqual({ due: 1, outcomes: { advanced: 1 } });
    expect(await historyCount(room.roomId)).toBe(1);
  });
});

describeOnPostgres("two nodes racing to auto-advance (PostgreSQL)", () => {
  it("each room advances exactly once: one node wins, the other gets a conflict", async () => {
    const rooms = [];
    for (let i = 0; i < 8; i++) rooms.push(await roomAtEndOfFirst(3));
    const roomIds = rooms.map((r) => r.roomId);
    const nodes = [node(...roomIds), node(...roomIds), node(...roomIds)];

    const ticks = await Promise.all(nodes.map((n) => n.tick()));

    expect(total(ticks, "advanced")).toBe(rooms.length);
    // Every node that saw a room due either won it or lost it quietly: no errors, no second advance.
    const seenDue = ticks.reduce((sum, tick) => sum + tick.due, 0);
    expect(total(ticks, "advanced") + total(ticks, "conflict")).toBe(seenDue);
    for (const room of rooms) {
      const state = await stateOf(room.roomId);
      expect(state.playingMediaId).toBe(room.mediaIds[1]);
      expect(state.generation).toBe(room.generation + 1);
      expect(await historyCount(room.roomId)).toBe(1);
    }
    // A second round finds nothing due: the new item has no known duration yet.
    const again = await Promise.all(nodes.map((n) => n.tick()));
    expect(total(again, "advanced")).toBe(0);
  });
});
