// PlaybackService transitions end to end (spec 03 §3.2–3.4, 02 §3.5): start/stop/next/previous with
// history and progress, PAUSE freezes, SPEED re-anchors, latency compensation only while playing, LIVE
// refuses positions, bounds, guards, GetPlayback's player view. The timeline math itself is covered
// exhaustively by src/core/playback/timeline.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomPlaybackProgress } from "../../src/infra/db/schema/index.js";
import {
  makeLive,
  ok,
  type PlaybackNode,
  type PlaybackRoom,
  playbackEvents,
  playbackRoom,
  startPlaybackNode,
} from "./playback-harness.js";

let n: PlaybackNode;

beforeAll(async () => {
  n = await startPlaybackNode();
});
afterAll(async () => n.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function started(room: PlaybackRoom, index = 0) {
  return ok(n, "StartPlayback", { roomId: room.publicId, mediaId: room.media[index]?.publicId }, room.admin.token);
}

describe("source changes", () => {
  it("StartPlayback starts the item at 0, playing, scheduled ahead, with a new generation and history entry", async () => {
    const room = await playbackRoom(n);
    const before = Date.now();
    const s = await started(room);
    expect(s.playingMediaId).toBe(room.media[0]?.publicId);
    expect(s.position ?? 0).toBe(0);
    expect(s.playing).toBe(true);
    expect(s.generation).toBe("1");
    expect(s.playbackKind).toBe("PLAYBACK_KIND_REGULAR");
    // Scheduled start: the anchor lies the default 150 ms lead after the server's now.
    expect(Number(s.anchorAt) - Number(s.serverTimeMs)).toBe(150);
    expect(Number(s.serverTimeMs)).toBeGreaterThanOrEqual(before);
    expect(s.historyCursorId).toMatch(/^ph_/);

    const history = await n.playback<{
      entries: { id: string; mediaId: string; mediaName: string }[];
      historyCursorId: string;
    }>("ListPlaybackHistory", { roomId: room.publicId }, room.admin.token);
    expect(history.body.entries).toHaveLength(1);
    expect(history.body.entries[0]?.mediaId).toBe(room.media[0]?.publicId);
    expect(history.body.entries[0]?.mediaName).toBe("item 0");
    expect(history.body.historyCursorId).toBe(s.historyCursorId);
  });

  it("PlayNext saves the outgoing position, walks the scope in order and answers 3108 at the end without a write", async () => {
    const room = await playbackRoom(n, { mediaCount: 2 });
    await started(room);
    await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 42, playing: false },
      room.admin.token,
    );
    const second = await ok(n, "PlayNext", { roomId: room.publicId }, room.admin.token);
    expect(second.playingMediaId).toBe(room.media[1]?.publicId);
    expect(second.generation).toBe("2");

    const [progress] = await n.db
      .select({ position: roomPlaybackProgress.position })
      .from(roomPlaybackProgress)
      .where(and(eq(roomPlaybackProgress.roomId, room.id), eq(roomPlaybackProgress.mediaId, room.media[0]?.id ?? 0)));
    expect(progress?.position).toBe(42);

    const eventsBefore = (await playbackEvents(n, room.id)).length;
    const end = await n.playback("PlayNext", { roomId: room.publicId }, room.admin.token);
    expect(end.status).toBe(400);
    expect(end.errorInfo?.errorCode).toBe(3108);
    expect((await playbackEvents(n, room.id)).length).toBe(eventsBefore);

    const back = await ok(n, "PlayPrevious", { roomId: room.publicId }, room.admin.token);
    expect(back.playingMediaId).toBe(room.media[0]?.publicId);
  });

  it("PlayHistoryEntry resumes at the saved position; PlayNext then follows the history cursor forward", async () => {
    const room = await playbackRoom(n, { mediaCount: 3 });
    const first = await started(room);
    await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 30, playing: false },
      room.admin.token,
    );
    const second = await started(room, 2);
    const resumed = await ok(
      n,
      "PlayHistoryEntry",
      { roomId: room.publicId, entryId: first.historyCursorId },
      room.admin.token,
    );
    expect(resumed.playingMediaId).toBe(room.media[0]?.publicId);
    expect(resumed.position).toBe(30);
    expect(resumed.historyCursorId).toBe(first.historyCursorId);
    // The cursor's next entry wins over the play mode (which would pick item 1).
    const forward = await ok(n, "PlayNext", { roomId: room.publicId }, room.admin.token);
    expect(forward.playingMediaId).toBe(room.media[2]?.publicId);
    expect(forward.historyCursorId).toBe(second.historyCursorId);
  });

  it("StopPlayback clears the source; GetPlayback then has no player view", async () => {
    const room = await playbackRoom(n);
    await started(room);
    const s = await ok(n, "StopPlayback", { roomId: room.publicId }, room.admin.token);
    expect(s.playingMediaId ?? "").toBe("");
    expect(s.playing ?? false).toBe(false);
    const got = await n.playback<{ playbackState: { version: string }; playback?: unknown }>(
      "GetPlayback",
      { roomId: room.publicId },
      room.member.token,
    );
    expect(got.status).toBe(200);
    expect(got.body.playback).toBeUndefined();
    expect(got.body.playbackState.version).toBe(s.version);
  });

  it("GetPlayback returns the direct mode of the playing item", async () => {
    const room = await playbackRoom(n);
    await started(room);
    const got = await n.playback<{
      playback: {
        mediaId: string;
        defaultMode: string;
        playbackKind: string;
        playbackInfos: { direct: { medias: { url: string; format: string }[] } };
        metadata: { directUrl: { requiresProxy?: boolean } };
      };
    }>("GetPlayback", { roomId: room.publicId }, room.member.token);
    expect(got.status).toBe(200);
    expect(got.body.playback.mediaId).toBe(room.media[0]?.publicId);
    expect(got.body.playback.defaultMode).toBe("direct");
    expect(got.body.playback.playbackKind).toBe("PLAYBACK_KIND_REGULAR");
    expect(got.body.playback.playbackInfos.direct.medias).toEqual([
      { url: "https://media.example.com/0.mp4", format: "MEDIA_FORMAT_MP4" },
    ]);
    expect(got.body.playback.metadata.directUrl.requiresProxy ?? false).toBe(false);
  });

  it("one playback_state event per change, payload = the new state", async () => {
    const room = await playbackRoom(n);
    const s = await started(room);
    const paused = await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
      room.admin.token,
    );
    const events = await playbackEvents(n, room.id);
    expect(events.map((e) => e.eventType)).toEqual(["playback.source_changed", "playback.updated"]);
    expect(events.map((e) => e.aggregateVersion)).toEqual([Number(s.version), Number(paused.version)]);
    expect(events[1]?.payload?.["playing"]).toBe(false);
    expect(events[1]?.payload?.["position"]).toBe(paused.position ?? 0);
    expect((await playbackEvents(n, room.id, "playback_history")).map((e) => e.eventType)).toEqual([
      "history.recorded",
    ]);
  });
});

describe("UpdatePlaybackState", () => {
  it("PAUSE freezes the computed position", async () => {
    const room = await playbackRoom(n);
    await started(room);
    await sleep(400);
    const paused = await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" },
      room.admin.token,
    );
    expect(paused.playing ?? false).toBe(false);
    // ~250 ms of play after the 150 ms lead.
    expect(paused.position).toBeGreaterThan(0.1);
    expect(paused.position).toBeLessThan(2);
    await sleep(200);
    const later = await n.playback("GetPlayback", { roomId: room.publicId }, room.member.token);
    expect(later.body.playbackState.position).toBe(paused.position);
    expect(later.body.playbackState.anchorAt).toBe(paused.anchorAt);
  });

  it("SPEED re-anchors at now and keeps the position continuous", async () => {
    const room = await playbackRoom(n);
    await started(room);
    await sleep(400);
    const sped = await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SPEED", speed: 2 },
      room.admin.token,
    );
    expect(sped.speed).toBe(2);
    expect(sped.playing).toBe(true);
    expect(sped.anchorAt).toBe(sped.serverTimeMs);
    expect(sped.position).toBeGreaterThan(0.1);
    expect(sped.position).toBeLessThan(2);
  });

  it("a client time compensates a seek only while playing", async () => {
    const room = await playbackRoom(n);
    await started(room);
    const sentAt = Date.now() - 2000;
    const playing = await ok(
      n,
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 10, clientTimeMs: String(sentAt) },
      room.admin.token,
    );
    expect(playing.position).toBeGreaterThanOrEqual(12);
    expect(playing.position).toBeLessThan(13);
    const paused = await ok(
      n,
      "UpdatePlaybackState",
      {
        roomId: room.publicId,
        type: "PLAYBACK_UPDATE_TYPE_SEEK",
        position: 10,
        playing: false,
        clientTimeMs: String(sentAt),
      },
      room.admin.token,
    );
    expect(paused.position).toBe(10);
  });

  it("a live source refuses positions (3106) but can pause", async () => {
    const room = await playbackRoom(n);
    await makeLive(n, room.media[0]?.id ?? 0);
    const s = await started(room);
    expect(s.playbackKind).toBe("PLAYBACK_KIND_LIVE");
    const seek = await n.playback(
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 5 },
      room.admin.token,
    );
    expect(seek.errorInfo?.errorCode).toBe(3106);
    await ok(n, "UpdatePlaybackState", { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" }, room.admin.token);
  });

  it("bounds and preconditions: no source 3105, position and speed ranges 3000, SEEK without position 3000", async () => {
    const room = await playbackRoom(n);
    const body = { roomId: room.publicId };
    const none = await n.playback(
      "UpdatePlaybackState",
      { ...body, type: "PLAYBACK_UPDATE_TYPE_PLAY" },
      room.admin.token,
    );
    expect(none.errorInfo?.errorCode).toBe(3105);
    await started(room);
    for (const bad of [
      { type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 86_401 },
      { type: "PLAYBACK_UPDATE_TYPE_SEEK", position: -1 },
      { type: "PLAYBACK_UPDATE_TYPE_SPEED", speed: 4.5 },
      { type: "PLAYBACK_UPDATE_TYPE_SPEED", speed: 0.1 },
      { type: "PLAYBACK_UPDATE_TYPE_SEEK" },
    ]) {
      const r = await n.playback("UpdatePlaybackState", { ...body, ...bad }, room.admin.token);
      expect(r.errorInfo?.errorCode, JSON.stringify(bad)).toBe(3000);
    }
  });

  it("guards: a stale expected_version is ABORTED 2003 with current_version; a changed source 2301", async () => {
    const room = await playbackRoom(n);
    const s = await started(room);
    const body = { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PAUSE" };
    const stale = await n.playback(
      "UpdatePlaybackState",
      { ...body, expectedVersion: String(Number(s.version) - 1) },
      room.admin.token,
    );
    expect(stale.status).toBe(409);
    expect(stale.errorInfo?.errorCode).toBe(2003);
    expect(stale.errorInfo?.metadata["current_version"]).toBe(s.version);
    const moved = await n.playback(
      "UpdatePlaybackState",
      { ...body, expectedSource: { mediaId: room.media[1]?.publicId } },
      room.admin.token,
    );
    expect(moved.errorInfo?.errorCode).toBe(2301);
    const fresh = await ok(
      n,
      "UpdatePlaybackState",
      { ...body, expectedVersion: s.version, expectedSource: { mediaId: room.media[0]?.publicId } },
      room.admin.token,
    );
    expect(Number(fresh.version)).toBe(Number(s.version) + 1);
  });
});
