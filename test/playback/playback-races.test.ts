// Races and transports (spec 03 §3.2, §3.5, §5): two guarded writers with one expected_version → exactly
// one ABORTED; two auto-advance workers with one observation advance the room exactly once (real
// PostgreSQL: concurrent transactions); the same update over Connect JSON and gRPC yields the same state
// shape and exactly one durable event each.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlaybackUpdateType } from "../../gen/synctv/v1/playback_pb.js";
import { PlaybackService, UpdatePlaybackStateRequestSchema } from "../../gen/synctv/v1/playback_service_pb.js";
import { playbackSourceMetadata, SourceMetadataStatus } from "../../src/infra/db/schema/index.js";
import { describeOnPostgres } from "../support/database.js";
import { setPlaying } from "../support/fixtures/index.js";
import { GrpcJsClient } from "../support/grpc-js-client.js";
import {
  directPlayback,
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

/** A room playing item 0 (known duration 10 s) one second past its end: auto-advance is due. */
async function dueRoom(
  settings: Record<string, unknown> = {},
): Promise<PlaybackRoom & { observed: { version: number; generation: number } }> {
  const room = await playbackRoom(n, { mediaCount: 2, settings });
  const first = room.media[0]?.id ?? 0;
  await n.db.insert(playbackSourceMetadata).values({
    roomId: room.id,
    mediaId: first,
    durationSeconds: 10,
    status: SourceMetadataStatus.available,
    playbackKind: 1,
    source: 2,
  });
  const row = await setPlaying(n.db, room.id, first, {
    position: 9.5,
    isPlaying: true,
    anchorAt: new Date(Date.now() - 1500),
  });
  return { ...room, observed: { version: row.version, generation: row.generation } };
}

describe("auto-advance (one worker)", () => {
  it("moves to the next item once; a stale observation is a quiet conflict", async () => {
    const room = await dueRoom();
    const worker = directPlayback(n);
    expect(await worker.transitions.autoAdvance(room.id, room.observed)).toBe("advanced");
    expect(await worker.transitions.autoAdvance(room.id, room.observed)).toBe("conflict");
    const got = await n.playback("GetPlayback", { roomId: room.publicId }, room.member.token);
    expect(got.body.playbackState.playingMediaId).toBe(room.media[1]?.publicId);
    expect(got.body.playbackState.generation).toBe(String(room.observed.generation + 1));
    const changes = await playbackEvents(n, room.id);
    expect(changes.map((e) => [e.eventType, e.payload?.["generation"]])).toEqual([
      ["playback.source_changed", room.observed.generation + 1],
    ]);
  });

  it("SEQUENTIAL at the end pauses at the duration (ended); REPEAT_ONE restarts without a new generation", async () => {
    const worker = directPlayback(n);
    const last = await playbackRoom(n, { mediaCount: 1 });
    await n.db.insert(playbackSourceMetadata).values({
      roomId: last.id,
      mediaId: last.media[0]?.id ?? 0,
      durationSeconds: 10,
      status: SourceMetadataStatus.available,
    });
    const row = await setPlaying(n.db, last.id, last.media[0]?.id ?? 0, {
      position: 9.5,
      anchorAt: new Date(Date.now() - 1500),
    });
    expect(await worker.transitions.autoAdvance(last.id, { version: row.version, generation: row.generation })).toBe(
      "ended",
    );
    const ended = await n.playback("GetPlayback", { roomId: last.publicId }, last.member.token);
    expect(ended.body.playbackState.playing ?? false).toBe(false);
    expect(ended.body.playbackState.position).toBe(10);

    const repeat = await dueRoom({ autoPlay: { enabled: true, mode: "REPEAT_ONE", delay: 0 } });
    expect(await worker.transitions.autoAdvance(repeat.id, repeat.observed)).toBe("advanced");
    const again = await n.playback("GetPlayback", { roomId: repeat.publicId }, repeat.member.token);
    expect(again.body.playbackState.playingMediaId).toBe(repeat.media[0]?.publicId);
    expect(again.body.playbackState.position ?? 0).toBe(0);
    expect(again.body.playbackState.generation).toBe(String(repeat.observed.generation));
  });

  it("does nothing when auto-play is off", async () => {
    const room = await dueRoom({ autoPlay: { enabled: false, mode: "SEQUENTIAL", delay: 0 } });
    expect(await directPlayback(n).transitions.autoAdvance(room.id, room.observed)).toBe("conflict");
    expect(await playbackEvents(n, room.id)).toEqual([]);
  });
});

describeOnPostgres("concurrent writers on real PostgreSQL", () => {
  it("two guarded UpdatePlaybackState with the same expected_version: exactly one is ABORTED", async () => {
    for (let round = 0; round < 5; round++) {
      const room = await playbackRoom(n);
      const s = await ok(
        n,
        "StartPlayback",
        { roomId: room.publicId, mediaId: room.media[0]?.publicId },
        room.admin.token,
      );
      const body = { roomId: room.publicId, expectedVersion: s.version };
      const [a, b] = await Promise.all([
        n.playback("UpdatePlaybackState", { ...body, type: "PLAYBACK_UPDATE_TYPE_PAUSE" }, room.admin.token),
        n.playback(
          "UpdatePlaybackState",
          { ...body, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 5 },
          room.creator.token,
        ),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      expect([a, b].find((r) => r.status === 409)?.errorInfo?.errorCode).toBe(2003);
      expect((await playbackEvents(n, room.id)).length).toBe(2);
    }
  });

  it("two auto-advance workers with the same observation advance the room exactly once", async () => {
    for (let round = 0; round < 5; round++) {
      const room = await dueRoom();
      const [a, b] = [directPlayback(n), directPlayback(n)];
      const results = await Promise.all([
        a.transitions.autoAdvance(room.id, room.observed),
        b.transitions.autoAdvance(room.id, room.observed),
      ]);
      expect(results.sort()).toEqual(["advanced", "conflict"]);
      const events = await playbackEvents(n, room.id);
      expect(events.map((e) => e.eventType)).toEqual(["playback.source_changed"]);
      const history = await playbackEvents(n, room.id, "playback_history");
      expect(history).toHaveLength(1);
    }
  });
});

describe("transports", () => {
  it("the same UpdatePlaybackState over Connect JSON and gRPC gives the same state and one event each", async () => {
    const viaJson = await playbackRoom(n);
    const viaGrpc = await playbackRoom(n);
    for (const room of [viaJson, viaGrpc]) {
      await ok(n, "StartPlayback", { roomId: room.publicId, mediaId: room.media[0]?.publicId }, room.admin.token);
    }
    const jsonState = await ok(
      n,
      "UpdatePlaybackState",
      { roomId: viaJson.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 12.5, playing: false },
      viaJson.admin.token,
    );
    const client = new GrpcJsClient(n.t.address);
    try {
      const r = await client.unary(
        PlaybackService.method.updatePlaybackState,
        create(UpdatePlaybackStateRequestSchema, {
          roomId: viaGrpc.publicId,
          type: PlaybackUpdateType.SEEK,
          position: 12.5,
          playing: false,
        }),
        { authorization: `Bearer ${viaGrpc.admin.token}` },
      );
      if (!r.ok) throw new Error(`gRPC failed: ${r.error.code} ${r.error.message}`);
      const g = r.message.playbackState;
      expect(g?.position).toBe(jsonState.position);
      expect(g?.playing).toBe(jsonState.playing ?? false);
      expect(String(g?.version)).toBe(jsonState.version);
      expect(String(g?.generation)).toBe(jsonState.generation);
      expect(g?.speed).toBe(jsonState.speed);
      expect(g?.playingMediaId).toBe(viaGrpc.media[0]?.publicId);
      expect(g?.anchorAt).toBe(g?.serverTimeMs);
      expect(jsonState.anchorAt).toBe(jsonState.serverTimeMs);
    } finally {
      client.close();
    }
    for (const room of [viaJson, viaGrpc]) {
      const updates = (await playbackEvents(n, room.id)).filter((e) => e.eventType === "playback.updated");
      expect(updates).toHaveLength(1);
      expect(updates[0]?.payload?.["position"]).toBe(12.5);
    }
  });
});
