// The duration probe worker against a real database and the local media server (07 §14.1, 06 §4.4):
// results, retries, the active-room boundary (seed rule), version fences and, on PostgreSQL, exclusive
// claims between two nodes.
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimProbeBatch, recordProbeResult } from "../../src/core/playback/workers/duration-probe-queue.js";
import {
  type DurationAvailable,
  DurationProbeWorker,
  type DurationProbeWorkerOptions,
} from "../../src/core/playback/workers/duration-probe-worker.js";
import { FAILED_RETRY_MS, failedRecord, UNAVAILABLE_RETRY_MS } from "../../src/core/playback/workers/probe-record.js";
import type { DirectUrlSource } from "../../src/core/playlists/direct-url/direct-url-source.js";
import { LocalConnectionRegistry } from "../../src/core/realtime-runtime/connection-runtime.js";
import { ManualClock } from "../../src/infra/clock.js";
import {
  media,
  PlaybackKind,
  playbackSourceMetadata,
  SourceMetadataOrigin,
  SourceMetadataStatus,
} from "../../src/infra/db/schema/index.js";
import { createHttpProbeClient, type ProbeFetcher } from "../../src/media/probe/index.js";
import { FIXTURE_DURATION_TOLERANCE_SECONDS, fixtures } from "../media/support/media-fixtures.js";
import { type MediaServer, startMediaServer } from "../media/support/media-server.js";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../support/database.js";
import { directUrlConfig, insertMedia, insertRoom, insertUser, setPlaying } from "../support/fixtures/index.js";

const silent = pino({ level: "silent" });
let t: TestDatabase;
let server: MediaServer;
let clock: ManualClock;
let creatorId: number;

beforeAll(async () => {
  [t, server] = await Promise.all([createTestDatabase(), startMediaServer()]);
  creatorId = (await insertUser(t.database.db)).id;
});
afterAll(async () => {
  await Promise.all([t.drop(), server.close()]);
});
beforeEach(() => {
  server.reset();
  clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
});

type SourceShape = Partial<Pick<DirectUrlSource, "playbackKind" | "durationSeconds">> & {
  format?: DirectUrlSource["medias"][number]["format"];
};

/** A room playing one direct-URL media item; returns its ids. */
async function roomPlaying(url: string, shape: SourceShape = {}): Promise<{ roomId: number; mediaId: number }> {
  const db = t.database.db;
  const room = await insertRoom(db, { createdBy: creatorId });
  const item = await insertMedia(db, { roomId: room.id, creatorId, url });
  const base = directUrlConfig(url);
  const config: DirectUrlSource = {
    ...base,
    medias: base.medias.map((m) => ({ ...m, format: shape.format ?? m.format })),
    playbackKind: shape.playbackKind ?? "regular",
    ...(shape.durationSeconds === undefined ? {} : { durationSeconds: shape.durationSeconds }),
  };
  await db.update(media).set({ sourceConfig: config }).where(eq(media.id, item.id));
  await setPlaying(db, room.id, item.id);
  return { roomId: room.id, mediaId: item.id };
}

async function metadataOf(mediaId: number) {
  const [row] = await t.database.db
    .select()
    .from(playbackSourceMetadata)
    .where(eq(playbackSourceMetadata.mediaId, mediaId));
  return row;
}

function worker(
  registry: LocalConnectionRegistry,
  overrides: Partial<DurationProbeWorkerOptions> = {},
): DurationProbeWorker {
  return new DurationProbeWorker({
    database: t.database,
    runtime: registry,
    fetcher: createHttpProbeClient(),
    clock,
    log: silent,
    ...overrides,
  });
}

/** A registry with one open connection in each of the rooms. */
function connectedTo(...roomIds: number[]): LocalConnectionRegistry {
  const registry = new LocalConnectionRegistry();
  for (const id of roomIds) registry.connect(id);
  return registry;
}

describe("duration probing end to end", () => {
  it.each([
    ["an MP4 with moov at the start", fixtures.mp4MoovAtStart, "mp4"],
    ["an MP4 with moov at the end", fixtures.mp4MoovAtEnd, "mp4"],
    ["an HLS VOD master playlist", fixtures.hlsMaster, "hls"],
    ["a DASH VOD manifest", fixtures.dashVod, "dash"],
  ] as const)("%s becomes AVAILABLE with its duration, source PROBE", async (_name, fixture, format) => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixture.path), { format });
    const announced: DurationAvailable[] = [];
    const tick = await worker(connectedTo(roomId), { onDurationAvailable: (e) => void announced.push(e) }).tick();

    expect(tick).toEqual({ claimed: 1, recorded: 1 });
    const row = await metadataOf(mediaId);
    expect(row?.status).toBe(SourceMetadataStatus.available);
    expect(row?.source).toBe(SourceMetadataOrigin.probe);
    expect(row?.playbackKind).toBe(PlaybackKind.regular);
    expect(row?.nextRetryAt).toBeNull();
    expect(row?.durationSeconds).toBeCloseTo(fixture.durationSeconds, 1);
    expect(Math.abs((row?.durationSeconds ?? 0) - fixture.durationSeconds)).toBeLessThanOrEqual(
      FIXTURE_DURATION_TOLERANCE_SECONDS,
    );
    expect(announced).toEqual([{ roomId, mediaId, playlistId: null, durationSeconds: row?.durationSeconds }]);
  });

  it("a known duration is probed again by nobody: the next tick claims nothing", async () => {
    const { roomId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    const probe = worker(connectedTo(roomId));
    await probe.tick();
    server.reset();
    clock.advance(UNAVAILABLE_RETRY_MS * 2);
    expect(await probe.tick()).toEqual({ claimed: 0, recorded: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it("a duration in the stored source config is used without a request (source PROVIDER)", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path), { durationSeconds: 42 });
    await worker(connectedTo(roomId)).tick();
    const row = await metadataOf(mediaId);
    expect(row).toMatchObject({
      status: SourceMetadataStatus.available,
      source: SourceMetadataOrigin.provider,
      durationSeconds: 42,
    });
    expect(server.requests).toHaveLength(0);
  });

  it("an unreachable URL is FAILED, retried only after 10 minutes, and the worker keeps going", async () => {
    const { roomId, mediaId } = await roomPlaying("http://127.0.0.1:1/unreachable.mp4");
    const probe = worker(connectedTo(roomId));

    expect(await probe.tick()).toEqual({ claimed: 1, recorded: 1 });
    const failed = await metadataOf(mediaId);
    expect(failed?.status).toBe(SourceMetadataStatus.failed);
    expect(failed?.durationSeconds).toBeNull();
    expect(failed?.error).toMatch(/network|ECONNREFUSED/);
    expect(failed?.nextRetryAt?.getTime()).toBe(clock.now() + FAILED_RETRY_MS);

    clock.advance(FAILED_RETRY_MS - 1);
    expect(await probe.tick()).toEqual({ claimed: 0, recorded: 0 });

    clock.advance(1);
    expect(await probe.tick()).toEqual({ claimed: 1, recorded: 1 });
    const again = await metadataOf(mediaId);
    expect(again?.status).toBe(SourceMetadataStatus.failed);
    expect(again?.nextRetryAt?.getTime()).toBe(clock.now() + FAILED_RETRY_MS);
    expect(again?.version).toBeGreaterThan(failed?.version ?? Number.POSITIVE_INFINITY);
  });

  it("a malformed file is UNAVAILABLE and retried after 6 hours", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4Truncated.path));
    const probe = worker(connectedTo(roomId));

    await probe.tick();
    const first = await metadataOf(mediaId);
    expect(first?.status).toBe(SourceMetadataStatus.unavailable);
    expect(first?.nextRetryAt?.getTime()).toBe(clock.now() + UNAVAILABLE_RETRY_MS);

    clock.advance(UNAVAILABLE_RETRY_MS - 1);
    expect(await probe.tick()).toEqual({ claimed: 0, recorded: 0 });
    clock.advance(1);
    expect(await probe.tick()).toEqual({ claimed: 1, recorded: 1 });
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.unavailable);
  });

  it("an upstream answering 500 is a transient failure (FAILED)", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    server.misbehave("error-500");
    await worker(connectedTo(roomId)).tick();
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.failed);
  });

  it("an HLS playlist without ENDLIST is recorded LIVE and UNAVAILABLE", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.hlsLive.path), { format: "hls" });
    await worker(connectedTo(roomId)).tick();
    const row = await metadataOf(mediaId);
    expect(row).toMatchObject({ status: SourceMetadataStatus.unavailable, playbackKind: PlaybackKind.live });
    expect(row?.nextRetryAt?.getTime()).toBe(clock.now() + UNAVAILABLE_RETRY_MS);
  });

  it("a source stored as live gets no metadata row at all", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.hlsLive.path), {
      format: "hls",
      playbackKind: "live",
    });
    expect(await worker(connectedTo(roomId)).tick()).toEqual({ claimed: 0, recorded: 0 });
    expect(await metadataOf(mediaId)).toBeUndefined();
  });

  it("a source soft-deleted after the row was seeded is UNAVAILABLE without a request", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    await t.database.db
      .insert(playbackSourceMetadata)
      .values({ roomId, mediaId, targetHash: "", status: SourceMetadataStatus.unknown });
    await t.database.db.update(media).set({ deletedAt: new Date(), deletionSource: 5 }).where(eq(media.id, mediaId));
    await worker(connectedTo(roomId)).tick();
    const row = await metadataOf(mediaId);
    expect(row?.status).toBe(SourceMetadataStatus.unavailable);
    expect(row?.error).toMatch(/gone/);
    expect(server.requests).toHaveLength(0);
  });

  it("a listener that throws does not undo the stored duration", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    const probe = worker(connectedTo(roomId), {
      onDurationAvailable: () => {
        throw new Error("listener broke");
      },
    });
    expect(await probe.tick()).toEqual({ claimed: 1, recorded: 1 });
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.available);
  });

  it("probes at most 4 sources at a time", async () => {
    const rooms = await Promise.all(
      Array.from({ length: 9 }, (_, i) => {
        server.serve(`/parallel/${i}.mp4`, { fixture: fixtures.mp4MoovAtStart.path });
        return roomPlaying(server.url(`/parallel/${i}.mp4`));
      }),
    );
    let inFlight = 0;
    let peak = 0;
    const http = createHttpProbeClient();
    const slow: ProbeFetcher = {
      async fetch(request) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return await http.fetch(request);
        } finally {
          inFlight--;
        }
      },
    };
    const tick = await worker(connectedTo(...rooms.map((r) => r.roomId)), { fetcher: slow }).tick();
    expect(tick).toEqual({ claimed: 9, recorded: 9 });
    expect(peak).toBe(4);
  });
});

describe("the active-room boundary (seed rule)", () => {
  it("with no local connection, a tick touches nothing: no row, no claim, no request", async () => {
    const { mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    expect(await worker(new LocalConnectionRegistry()).tick()).toEqual({ claimed: 0, recorded: 0 });
    expect(await metadataOf(mediaId)).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it("only the rooms with a connection on this node are probed", async () => {
    const served = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    const elsewhere = await roomPlaying(server.url(fixtures.mp4MoovAtEnd.path));
    // The other room already has a due row (seeded by another node): still not ours to claim.
    await t.database.db
      .insert(playbackSourceMetadata)
      .values({ roomId: elsewhere.roomId, mediaId: elsewhere.mediaId, targetHash: "" });
    await worker(connectedTo(served.roomId)).tick();
    expect((await metadataOf(served.mediaId))?.status).toBe(SourceMetadataStatus.available);
    expect((await metadataOf(elsewhere.mediaId))?.status).toBe(SourceMetadataStatus.unknown);
    expect(server.requestsFor(fixtures.mp4MoovAtEnd.path)).toHaveLength(0);
  });

  it("a room whose last connection closed is no longer probed", async () => {
    const { roomId, mediaId } = await roomPlaying("http://127.0.0.1:1/unreachable.mp4");
    const registry = new LocalConnectionRegistry();
    const release = registry.connect(roomId);
    const probe = worker(registry);
    await probe.tick();
    release();
    clock.advance(FAILED_RETRY_MS);
    expect(await probe.tick()).toEqual({ claimed: 0, recorded: 0 });
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.failed);
  });

  it("only the current source is claimed: a row of an item no longer playing stays as it is", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    const next = await insertMedia(t.database.db, { roomId, creatorId, url: server.url(fixtures.mp4MoovAtEnd.path) });
    await t.database.db.insert(playbackSourceMetadata).values({ roomId, mediaId, targetHash: "" });
    await setPlaying(t.database.db, roomId, next.id);
    await worker(connectedTo(roomId)).tick();
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.unknown);
    expect((await metadataOf(next.id))?.status).toBe(SourceMetadataStatus.available);
  });
});

describe("claims and leases", () => {
  it("a claim is a 5-minute lease: a PENDING row of a dead node is re-claimed only after it expires", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    await t.database.db.insert(playbackSourceMetadata).values({ roomId, mediaId, targetHash: "" });
    const [dead] = await claimProbeBatch(t.database.db, { roomIds: [roomId], now: clock.now() });
    expect(dead?.version).toBe(2);
    const row = await metadataOf(mediaId);
    expect(row?.status).toBe(SourceMetadataStatus.pending);
    expect(row?.nextRetryAt?.getTime()).toBe(clock.now() + 5 * 60_000);

    const probe = worker(connectedTo(roomId));
    clock.advance(5 * 60_000 - 1);
    expect(await probe.tick()).toEqual({ claimed: 0, recorded: 0 });
    clock.advance(1);
    expect(await probe.tick()).toEqual({ claimed: 1, recorded: 1 });
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.available);
  });

  it("a late result under a lost claim is dropped: the version fence keeps the newer claim's result", async () => {
    const { roomId, mediaId } = await roomPlaying(server.url(fixtures.mp4MoovAtStart.path));
    await t.database.db.insert(playbackSourceMetadata).values({ roomId, mediaId, targetHash: "" });
    const [stale] = await claimProbeBatch(t.database.db, { roomIds: [roomId], now: clock.now() });
    clock.advance(5 * 60_000);
    await worker(connectedTo(roomId)).tick();
    if (stale === undefined) throw new Error("expected a claim");
    expect(await recordProbeResult(t.database.db, stale, failedRecord("late", clock.now()))).toBe(false);
    expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.available);
  });

  it("claims at most 32 rows per tick", async () => {
    const rooms = await Promise.all(
      Array.from({ length: 34 }, () => roomPlaying("http://127.0.0.1:1/unreachable.mp4", { format: "mkv" })),
    );
    // mkv has no duration reader: UNAVAILABLE without any network traffic.
    const tick = await worker(connectedTo(...rooms.map((r) => r.roomId))).tick();
    expect(tick).toEqual({ claimed: 32, recorded: 32 });
  });
});

describeOnPostgres("two nodes probing the same rooms (PostgreSQL)", () => {
  it("never probe the same row twice: every source is fetched exactly once", async () => {
    const count = 40;
    const rooms: { roomId: number; mediaId: number }[] = [];
    for (let i = 0; i < count; i++) {
      // One request per probe: an HLS media playlist is read once and its EXTINF summed.
      server.serve(`/race/${i}.m3u8`, { fixture: fixtures.hlsVariant.path });
      rooms.push(await roomPlaying(server.url(`/race/${i}.m3u8`), { format: "hls" }));
    }
    const http = createHttpProbeClient();
    const probesPerPath = new Map<string, number>();
    // A little latency keeps both nodes' batches in flight together.
    const counting: ProbeFetcher = {
      async fetch(request) {
        const path = new URL(request.url).pathname;
        probesPerPath.set(path, (probesPerPath.get(path) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return http.fetch(request);
      },
    };
    const roomIds = rooms.map((r) => r.roomId);
    const nodeA = worker(connectedTo(...roomIds), { fetcher: counting });
    const nodeB = worker(connectedTo(...roomIds), { fetcher: counting });

    for (let round = 0; round < 3; round++) {
      const ticks = await Promise.all([nodeA.tick(), nodeB.tick(), nodeA.tick(), nodeB.tick()]);
      if (round === 0) expect(ticks.reduce((sum, tick) => sum + tick.claimed, 0)).toBe(count);
    }

    expect([...probesPerPath.values()].every((n) => n === 1)).toBe(true);
    expect(probesPerPath.size).toBe(count);
    for (const { mediaId } of rooms) {
      expect((await metadataOf(mediaId))?.status).toBe(SourceMetadataStatus.available);
    }
  });
});
