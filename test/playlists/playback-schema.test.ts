// The library and playback tables enforce their rules in the database (spec 06 §2, §3.3, §4.6):
// same-room FKs, source shapes, ranges, expression uniqueness and daily history partitions.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyPartitionName, ensureDailyPartitions } from "../../src/infra/db/partitions/daily-partitions.js";
import {
  ensureHistoryPartitions,
  futureHistoryPartitions,
} from "../../src/infra/db/partitions/playback-history-partitions.js";
import { roomPlaybackHistory } from "../../src/infra/db/partitions/playback-history-table.js";
import {
  media,
  playlists,
  roomOperationIdempotency,
  roomPlaybackProgress,
  roomPlaybackState,
} from "../../src/infra/db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import {
  directUrlConfig,
  ensurePlaybackState,
  expectCheckViolation,
  expectForeignKeyViolation,
  expectUniqueViolation,
  insertMedia,
  insertPlaylist,
  insertRoom,
  insertUser,
  setPlaying,
} from "../support/fixtures/index.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});
const db = () => t.database.db;

async function room() {
  const owner = await insertUser(db());
  const r = await insertRoom(db(), { createdBy: owner.id });
  await ensurePlaybackState(db(), r.id);
  return { owner, roomId: r.id };
}

describe("library tables", () => {
  it("refuse a media item in another room's playlist and a playlist under another room's parent", async () => {
    const a = await room();
    const b = await room();
    const foreign = await insertPlaylist(db(), { roomId: b.roomId, creatorId: b.owner.id });
    await expectForeignKeyViolation(
      () => insertMedia(db(), { roomId: a.roomId, creatorId: a.owner.id, playlistId: foreign.id }),
      "media_playlist_same_room_fk",
    );
    await expectForeignKeyViolation(
      () => insertPlaylist(db(), { roomId: a.roomId, creatorId: a.owner.id, parentId: foreign.id }),
      "playlists_parent_same_room_fk",
    );
  });

  it("refuse negative or infinite positions, a self parent, and a non-object source config", async () => {
    const { owner, roomId } = await room();
    await expectCheckViolation(
      () => insertMedia(db(), { roomId, creatorId: owner.id, position: -1 }),
      "media_position_range",
    );
    await expectCheckViolation(
      () => insertPlaylist(db(), { roomId, creatorId: owner.id, position: Number.POSITIVE_INFINITY }),
      "playlists_position_range",
    );
    const p = await insertPlaylist(db(), { roomId, creatorId: owner.id });
    await expectCheckViolation(
      () => db().update(playlists).set({ parentId: p.id }).where(eq(playlists.id, p.id)),
      "playlists_parent_not_self",
    );
    await expectCheckViolation(
      () =>
        db().insert(media).values({
          roomId,
          creatorId: owner.id,
          name: "x",
          position: 1,
          sourceProvider: 1,
          sourceConfig: sql`'[]'::jsonb`,
        }),
      "media_source_config_object",
    );
  });

  it("bump updated_at through the trigger", async () => {
    const { owner, roomId } = await room();
    const m = await insertMedia(db(), { roomId, creatorId: owner.id });
    const [before] = await db().select().from(media).where(eq(media.id, m.id));
    await new Promise((r) => setTimeout(r, 5));
    const [after] = await db().update(media).set({ name: "renamed" }).where(eq(media.id, m.id)).returning();
    expect(after?.updatedAt.getTime()).toBeGreaterThan(before?.updatedAt.getTime() ?? 0);
  });
});

describe("playback tables", () => {
  it("hold one empty state per room and accept a static source through setPlaying", async () => {
    const { owner, roomId } = await room();
    const [empty] = await db().select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, roomId));
    expect(empty).toMatchObject({ playingMediaId: null, isPlaying: false, speed: 1, generation: 0, targetHash: "" });
    const m = await insertMedia(db(), { roomId, creatorId: owner.id, url: "https://cdn.example.com/a.m3u8" });
    expect(directUrlConfig().medias).toHaveLength(1);
    const state = await setPlaying(db(), roomId, m.id, { position: 12 });
    expect(state).toMatchObject({ playingMediaId: m.id, isPlaying: true, position: 12, generation: 1, version: 2 });
  });

  it("refuse a speed outside 0.25–4, playing without a source, and another room's media", async () => {
    const a = await room();
    const b = await room();
    const foreign = await insertMedia(db(), { roomId: b.roomId, creatorId: b.owner.id });
    await expectCheckViolation(
      () => db().update(roomPlaybackState).set({ speed: 8 }).where(eq(roomPlaybackState.roomId, a.roomId)),
      "room_playback_state_speed_range",
    );
    await expectCheckViolation(
      () => db().update(roomPlaybackState).set({ isPlaying: true }).where(eq(roomPlaybackState.roomId, a.roomId)),
      "room_playback_state_playing_needs_source",
    );
    await expectForeignKeyViolation(
      () => setPlaying(db(), a.roomId, foreign.id),
      "room_playback_state_media_same_room_fk",
    );
  });

  it("keep one progress row per source and check the target hash shape", async () => {
    const { owner, roomId } = await room();
    const m = await insertMedia(db(), { roomId, creatorId: owner.id });
    await db().insert(roomPlaybackProgress).values({ roomId, mediaId: m.id, position: 5 });
    await expectUniqueViolation(
      () => db().insert(roomPlaybackProgress).values({ roomId, mediaId: m.id, position: 6 }),
      "room_playback_progress_source_key",
    );
    const p = await insertPlaylist(db(), { roomId, creatorId: owner.id });
    await expectCheckViolation(
      () =>
        db()
          .insert(roomPlaybackProgress)
          .values({ roomId, playlistId: p.id, target: { a: 1 }, targetHash: "xyz" }),
      "room_playback_progress_source_shape",
    );
    await db()
      .insert(roomPlaybackProgress)
      .values({ roomId, playlistId: p.id, target: { relativePath: "/a" }, targetHash: "a".repeat(64) });
  });

  it("key idempotency by room, actor, kind and client operation id", async () => {
    const { owner, roomId } = await room();
    const key = { roomId, actorKey: `usr:${owner.id}`, operationKind: "play_next", clientOperationId: "op-1" };
    await db()
      .insert(roomOperationIdempotency)
      .values({ ...key, result: { ok: true } });
    await expectUniqueViolation(
      () =>
        db()
          .insert(roomOperationIdempotency)
          .values({ ...key, result: { ok: false } }),
      "room_operation_idempotency_pkey",
    );
  });
});

describe("playback history partitions", () => {
  it("are created for today and tomorrow, idempotently, and take ids from the sequence", async () => {
    const now = Date.now();
    const names = await ensureHistoryPartitions(db(), now);
    expect(names).toEqual([
      dailyPartitionName("room_playback_history", Math.floor(now / 86_400_000) * 86_400_000),
      dailyPartitionName("room_playback_history", Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000),
    ]);
    await ensureHistoryPartitions(db(), now);
    expect(await futureHistoryPartitions(db(), now)).toBe(1);
    await ensureDailyPartitions(db(), "room_playback_history", now, 3);
    expect(await futureHistoryPartitions(db(), now)).toBe(3);

    const { owner, roomId } = await room();
    const m = await insertMedia(db(), { roomId, creatorId: owner.id });
    const [a] = await db()
      .insert(roomPlaybackHistory)
      .values({ roomId, sequence: 1, mediaId: m.id, mediaName: "a" })
      .returning();
    const [b] = await db()
      .insert(roomPlaybackHistory)
      .values({ roomId, sequence: 2, mediaId: m.id, mediaName: "a" })
      .returning();
    expect((b?.id ?? 0) > (a?.id ?? 0)).toBe(true);
  });

  it("fail loudly for a day without a partition (no DEFAULT partition)", async () => {
    const { owner, roomId } = await room();
    const m = await insertMedia(db(), { roomId, creatorId: owner.id });
    await expect(
      db()
        .insert(roomPlaybackHistory)
        .values({ roomId, sequence: 9, mediaId: m.id, createdAt: new Date("2001-01-01T00:00:00Z") }),
    ).rejects.toThrow();
  });

  it("clear only the cursor columns of the state when its history entry is deleted", async () => {
    await ensureHistoryPartitions(db(), Date.now());
    const { owner, roomId } = await room();
    const m = await insertMedia(db(), { roomId, creatorId: owner.id });
    const [entry] = await db()
      .insert(roomPlaybackHistory)
      .values({ roomId, sequence: 1, mediaId: m.id, mediaName: "x" })
      .returning();
    if (entry === undefined) throw new Error("no history row");
    await db()
      .update(roomPlaybackState)
      .set({ historyCursorId: entry.id, historyCursorCreatedAt: entry.createdAt })
      .where(eq(roomPlaybackState.roomId, roomId));
    await db().delete(roomPlaybackHistory).where(eq(roomPlaybackHistory.id, entry.id));
    const [state] = await db().select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, roomId));
    expect(state).toMatchObject({ roomId, historyCursorId: null, historyCursorCreatedAt: null });
  });
});
