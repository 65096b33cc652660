// PlaybackWorkers as the composition root runs them: started timers probe a playing item's duration and
// then auto-advance the room past its end, with no tick called by hand; stop leaves nothing running.
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlaybackTransitions } from "../../src/core/playback/playback-transitions.js";
import { PlaybackWorkers } from "../../src/core/playback/workers/playback-workers.js";
import { LocalConnectionRegistry } from "../../src/core/realtime-runtime/connection-runtime.js";
import { RoomAccess } from "../../src/core/rooms/room-access.js";
import { staticSettings } from "../../src/core/settings/runtime-settings.js";
import { ManualClock } from "../../src/infra/clock.js";
import { ObservableWriter } from "../../src/infra/db/events/observable-writer.js";
import { roomPlaybackState } from "../../src/infra/db/schema/index.js";
import { cryptoRandom } from "../../src/infra/random.js";
import { createHttpProbeClient } from "../../src/media/probe/index.js";
import { fixtures } from "../media/support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "../media/support/media-server.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { insertMedia, insertRoom, insertUser, setPlaying } from "../support/fixtures/index.js";

let t: TestDatabase;
let server: MediaServer;

beforeAll(async () => {
  [t, server] = await Promise.all([createTestDatabase(), startMediaServer()]);
});
afterAll(async () => {
  await Promise.all([t.drop(), server.close()]);
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("playback workers started by the node", () => {
  it("probe the playing item's duration, then advance the room when it ends; stop ends all ticking", async () => {
    // Real time for the history partition gate; fixed so the room's position is known.
    const clock = new ManualClock(Date.now());
    const db = t.database.db;
    const creatorId = (await insertUser(db)).id;
    const room = await insertRoom(db, { createdBy: creatorId });
    const first = await insertMedia(db, { roomId: room.id, creatorId, url: server.url(fixtures.mp4MoovAtStart.path) });
    const second = await insertMedia(db, { roomId: room.id, creatorId, url: server.url(fixtures.mp4MoovAtEnd.path) });
    // 2 s into a 2.5 s item: due for auto-advance as soon as the duration is known.
    await setPlaying(db, room.id, first.id, { position: 0, anchorAt: new Date(clock.now() - 2000) });

    const registry = new LocalConnectionRegistry();
    registry.connect(room.id);
    const settings = staticSettings();
    const workers = new PlaybackWorkers({
      database: t.database,
      runtime: registry,
      transitions: new PlaybackTransitions({
        database: t.database,
        writer: new ObservableWriter(t.database, { clock }),
        access: new RoomAccess(t.database, settings, clock),
        clock,
        random: cryptoRandom,
      }),
      settings,
      probeFetcher: createHttpProbeClient(),
      clock,
      log: pino({ level: "silent" }),
      probeIntervalMs: 20,
      autoAdvanceIntervalMs: 10,
    });

    workers.start();
    try {
      await until(async () => {
        const [state] = await db.select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, room.id));
        return state?.playingMediaId === second.id;
      });
    } finally {
      await workers.stop();
    }
    const requestsAtStop = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests.length).toBe(requestsAtStop);
  });
});
