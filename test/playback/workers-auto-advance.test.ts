// Which rooms the auto-advance worker hands to the transition, and with which observed guards
// (07 §14.2, seed rule 03 §3.5). The transition here only records calls: what it does with them is
// the playback core's; the race between two nodes with the real transition is in workers-auto-advance-race.
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AutoAdvanceOutcome,
  type AutoAdvancer,
  AutoAdvanceWorker,
  type ObservedPlayback,
} from "../../src/core/playback/workers/auto-advance-worker.js";
import { LocalConnectionRegistry } from "../../src/core/realtime-runtime/connection-runtime.js";
import { staticSettings } from "../../src/core/settings/runtime-settings.js";
import { ManualClock } from "../../src/infra/clock.js";
import {
  type JsonObject,
  PlaybackKind,
  playbackSourceMetadata,
  roomPlaybackState,
  SourceMetadataStatus,
} from "../../src/infra/db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
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
  clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
});

/** Records every call; answers from a script (default "advanced"), throwing when the script says so. */
class RecordingAdvancer implements AutoAdvancer {
  readonly calls: { roomId: number; observed: ObservedPlayback }[] = [];
  constructor(private readonly script: (AutoAdvanceOutcome | Error)[] = []) {}
  async autoAdvance(roomId: number, observed: ObservedPlayback): Promise<AutoAdvanceOutcome> {
    this.calls.push({ roomId, observed });
    const next = this.script.shift() ?? "advanced";
    if (next instanceof Error) throw next;
    return next;
  }
}

interface RoomOptions {
  durationSeconds?: number;
  /** Seconds played at the clock's now. */
  playedSeconds?: number;
  playing?: boolean;
  status?: SourceMetadataStatus;
  playbackKind?: PlaybackKind;
  settings?: JsonObject;
  withMetadata?: boolean;
}

/** A room playing one item, `playedSeconds` in at the clock's now, with its metadata row. */
async function playingRoom(o: RoomOptions = {}): Promise<{ roomId: number; version: number; generation: number }> {
  const db = t.database.db;
  const room = await insertRoom(db, { createdBy: creatorId, ...(o.settings ? { settings: o.settings } : {}) });
  const item = await insertMedia(db, { roomId: room.id, creatorId });
  const state = await setPlaying(db, room.id, item.id, {
    isPlaying: o.playing ?? true,
    position: o.playing === false ? (o.playedSeconds ?? 99.5) : 0,
    anchorAt: new Date(clock.now() - (o.playedSeconds ?? 99.5) * 1000),
  });
  if (o.withMetadata !== false) {
    await db.insert(playbackSourceMetadata).values({
      roomId: room.id,
      mediaId: item.id,
      targetHash: "",
      status: o.status ?? SourceMetadataStatus.available,
      playbackKind: o.playbackKind ?? PlaybackKind.regular,
      durationSeconds:
        o.status === undefined || o.status === SourceMetadataStatus.available ? (o.durationSeconds ?? 100) : null,
      source: 2,
    });
  }
  return { roomId: room.id, version: state.version, generation: state.generation };
}

function worker(registry: LocalConnectionRegistry, advancer: AutoAdvancer): AutoAdvanceWorker {
  return new AutoAdvanceWorker({
    database: t.database,
    runtime: registry,
    transitions: advancer,
    settings: staticSettings(),
    clock,
    log: silent,
    sleep: async () => {},
  });
}

function connectedTo(...roomIds: number[]): LocalConnectionRegistry {
  const registry = new LocalConnectionRegistry();
  for (const id of roomIds) registry.connect(id);
  return registry;
}

describe("auto-advance scheduling", () => {
  it("a room within the last second of its known duration is advanced with the version and generation seen", async () => {
    const room = await playingRoom({ durationSeconds: 100, playedSeconds: 99 });
    const advancer = new RecordingAdvancer();
    const tick = await worker(connectedTo(room.roomId), advancer).tick();
    expect(tick).toEqual({ due: 1, outcomes: { advanced: 1 } });
    expect(advancer.calls).toEqual([
      { roomId: room.roomId, observed: { version: room.version, generation: room.generation } },
    ]);
  });

  it.each<[string, RoomOptions]>([
    ["more than a second before the end", { durationSeconds: 100, playedSeconds: 98.9 }],
    ["paused at the end", { durationSeconds: 100, playedSeconds: 99.9, playing: false }],
    ["with auto-play off", { playedSeconds: 100, settings: { autoPlay: { enabled: false } } }],
    ["whose duration is not known yet", { playedSeconds: 500, status: SourceMetadataStatus.failed }],
    ["without a metadata row", { playedSeconds: 500, withMetadata: false }],
    ["whose source the probe found live", { playedSeconds: 500, playbackKind: PlaybackKind.live }],
  ])("a room %s is left alone", async (_name, options) => {
    const room = await playingRoom(options);
    const advancer = new RecordingAdvancer();
    expect(await worker(connectedTo(room.roomId), advancer).tick()).toEqual({ due: 0, outcomes: {} });
    expect(advancer.calls).toHaveLength(0);
  });

  it("auto-play on in the settings document is honoured explicitly too", async () => {
    const room = await playingRoom({ playedSeconds: 100, settings: { autoPlay: { enabled: true, mode: "SHUFFLE" } } });
    const advancer = new RecordingAdvancer();
    await worker(connectedTo(room.roomId), advancer).tick();
    expect(advancer.calls).toHaveLength(1);
  });

  it("a scheduled start still in the future is not due, even for a very short item", async () => {
    const room = await playingRoom({ durationSeconds: 0.5, playedSeconds: 0 });
    await t.database.db
      .update(roomPlaybackState)
      .set({ anchorAt: new Date(clock.now() + 500) })
      .where(eq(roomPlaybackState.roomId, room.roomId));
    const advancer = new RecordingAdvancer();
    await worker(connectedTo(room.roomId), advancer).tick();
    expect(advancer.calls).toHaveLength(0);
  });

  it("a conflict (someone acted first) is skipped silently", async () => {
    const room = await playingRoom({ playedSeconds: 100 });
    const advancer = new RecordingAdvancer(["conflict"]);
    expect(await worker(connectedTo(room.roomId), advancer).tick()).toEqual({ due: 1, outcomes: { conflict: 1 } });
    expect(advancer.calls).toHaveLength(1);
  });

  it("a serialization failure is retried after re-reading the room", async () => {
    const room = await playingRoom({ playedSeconds: 100 });
    const serialization = Object.assign(new Error("could not serialize access"), { code: "40001" });
    const advancer = new RecordingAdvancer([serialization]);
    expect(await worker(connectedTo(room.roomId), advancer).tick()).toEqual({ due: 1, outcomes: { advanced: 1 } });
    expect(advancer.calls).toHaveLength(2);
  });

  it("gives up after 5 serialization failures, and other rooms still advance", async () => {
    const stuck = await playingRoom({ playedSeconds: 100 });
    const fine = await playingRoom({ playedSeconds: 100 });
    const serialization = () => Object.assign(new Error("could not serialize access"), { code: "40001" });
    const advancer = new RecordingAdvancer([1, 2, 3, 4, 5].map(serialization));
    const tick = await worker(connectedTo(stuck.roomId, fine.roomId), advancer).tick();
    expect(tick).toEqual({ due: 2, outcomes: { error: 1, advanced: 1 } });
    expect(advancer.calls.filter((c) => c.roomId === stuck.roomId)).toHaveLength(5);
  });

  it("any other error is logged, not thrown, and not retried", async () => {
    const room = await playingRoom({ playedSeconds: 100 });
    const advancer = new RecordingAdvancer([new Error("room gone")]);
    expect(await worker(connectedTo(room.roomId), advancer).tick()).toEqual({ due: 1, outcomes: { error: 1 } });
    expect(advancer.calls).toHaveLength(1);
  });
});

describe("the active-room boundary (seed rule)", () => {
  it("with no local connection, a due room is never advanced by this node", async () => {
    await playingRoom({ playedSeconds: 100 });
    const advancer = new RecordingAdvancer();
    expect(await worker(new LocalConnectionRegistry(), advancer).tick()).toEqual({ due: 0, outcomes: {} });
    expect(advancer.calls).toHaveLength(0);
  });

  it("only rooms with a connection here are considered; a closed last connection ends it", async () => {
    const here = await playingRoom({ playedSeconds: 100 });
    const elsewhere = await playingRoom({ playedSeconds: 100 });
    const registry = new LocalConnectionRegistry();
    const release = registry.connect(here.roomId);
    const advancer = new RecordingAdvancer();
    const advance = worker(registry, advancer);
    await advance.tick();
    expect(advancer.calls.map((c) => c.roomId)).toEqual([here.roomId]);
    expect(advancer.calls.map((c) => c.roomId)).not.toContain(elsewhere.roomId);
    release();
    await advance.tick();
    expect(advancer.calls).toHaveLength(1);
  });
});
