// Who may drive playback (spec 04 §9.1, 02 §3.5): plain members lack control/navigate by default (4000
// with metadata permission), room admins have them, guests may only read GetPlayback, history admin
// needs manage_room_settings; and a retried client_operation_id never applies twice (02 §2.8).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/connect-json.js";
import { ok, type PlaybackNode, playbackEvents, playbackRoom, startPlaybackNode } from "./playback-harness.js";

let n: PlaybackNode;

beforeAll(async () => {
  n = await startPlaybackNode();
});
afterAll(async () => n.close());

describe("permissions", () => {
  it("a plain member cannot control or navigate (4000); an admin can", async () => {
    const room = await playbackRoom(n);
    const body = { roomId: room.publicId };
    const cases: [string, Record<string, unknown>, string][] = [
      ["StartPlayback", { ...body, mediaId: room.media[0]?.publicId }, "navigate_playback"],
      ["PlayNext", body, "navigate_playback"],
      ["PlayPrevious", body, "navigate_playback"],
      ["UpdatePlaybackState", { ...body, type: "PLAYBACK_UPDATE_TYPE_PLAY" }, "control_playback_state"],
      ["StopPlayback", body, "control_playback_state"],
      ["ListPlaybackHistory", body, "view_playback_history"],
      ["ClearPlaybackHistory", body, "manage_room_settings"],
    ];
    for (const [method, request, permission] of cases) {
      const r = await n.playback(method, request, room.member.token);
      expect(r.status, method).toBe(403);
      expect(r.errorInfo?.errorCode, method).toBe(4000);
      expect(r.errorInfo?.metadata["permission"], method).toBe(permission);
    }
    await ok(n, "StartPlayback", { ...body, mediaId: room.media[0]?.publicId }, room.admin.token);
    await ok(n, "UpdatePlaybackState", { ...body, type: "PLAYBACK_UPDATE_TYPE_PAUSE" }, room.admin.token);
    await ok(n, "PlayNext", body, room.admin.token);
    expect((await n.playback("ListPlaybackHistory", body, room.admin.token)).status).toBe(200);
    expect((await n.playback("GetPlayback", body, room.member.token)).status).toBe(200);
  });

  it("a guest reads GetPlayback and nothing else; a non-member gets 4001", async () => {
    const room = await playbackRoom(n, { allowGuestJoin: true });
    const guest = await callJson<{ token: string }>(n.t.baseUrl, "synctv.v1.AuthService/CreateGuestToken", {
      roomId: room.publicId,
    });
    expect(guest.status, JSON.stringify(guest.body)).toBe(200);
    const token = guest.body.token;
    const body = { roomId: room.publicId };
    expect((await n.playback("GetPlayback", body, token)).status).toBe(200);
    for (const [method, request] of [
      ["StartPlayback", { ...body, mediaId: room.media[0]?.publicId }],
      ["UpdatePlaybackState", { ...body, type: "PLAYBACK_UPDATE_TYPE_PLAY" }],
      ["PlayNext", body],
      ["ListPlaybackHistory", body],
    ] as const) {
      const r = await n.playback(method, request, token);
      expect(r.status, method).toBe(403);
    }
    const other = await playbackRoom(n);
    expect((await n.playback("GetPlayback", body, other.member.token)).errorInfo?.errorCode).toBe(4001);
  });

  it("a media id of another room is NOT_FOUND", async () => {
    const room = await playbackRoom(n);
    const other = await playbackRoom(n);
    const r = await n.playback(
      "StartPlayback",
      { roomId: room.publicId, mediaId: other.media[0]?.publicId },
      room.admin.token,
    );
    expect(r.status).toBe(404);
  });
});

describe("history administration", () => {
  it("deleting the current entry clears the cursor with a new state version; clear removes the rest", async () => {
    const room = await playbackRoom(n);
    const body = { roomId: room.publicId };
    await ok(n, "StartPlayback", { ...body, mediaId: room.media[0]?.publicId }, room.admin.token);
    const s = await ok(n, "PlayNext", body, room.admin.token);
    const del = await n.playback<{ deleted: boolean }>(
      "DeletePlaybackHistoryEntry",
      { ...body, entryId: s.historyCursorId },
      room.admin.token,
    );
    expect(del.body.deleted).toBe(true);
    const got = await n.playback("GetPlayback", body, room.member.token);
    expect(got.body.playbackState.historyCursorId ?? "").toBe("");
    expect(Number(got.body.playbackState.version)).toBe(Number(s.version) + 1);
    const cleared = await n.playback<{ deletedCount: number }>("ClearPlaybackHistory", body, room.admin.token);
    expect(cleared.body.deletedCount).toBe(1);
    const again = await n.playback<{ deleted?: boolean }>(
      "DeletePlaybackHistoryEntry",
      { ...body, entryId: s.historyCursorId },
      room.admin.token,
    );
    expect(again.body.deleted ?? false).toBe(false);
  });

  it("pages by cursor, newest first by default; a cursor of another room is INVALID_ARGUMENT", async () => {
    const room = await playbackRoom(n, { mediaCount: 3 });
    const body = { roomId: room.publicId };
    await ok(n, "StartPlayback", { ...body, mediaId: room.media[0]?.publicId }, room.admin.token);
    await ok(n, "PlayNext", body, room.admin.token);
    await ok(n, "PlayNext", body, room.admin.token);
    type Page = { entries: { mediaName: string }[]; nextCursor?: string };
    const first = await n.playback<Page>("ListPlaybackHistory", { ...body, limit: 2 }, room.admin.token);
    expect(first.body.entries.map((e) => e.mediaName)).toEqual(["item 2", "item 1"]);
    const second = await n.playback<Page>(
      "ListPlaybackHistory",
      { ...body, limit: 2, cursor: first.body.nextCursor },
      room.admin.token,
    );
    expect(second.body.entries.map((e) => e.mediaName)).toEqual(["item 0"]);
    expect(second.body.nextCursor ?? "").toBe("");
    const other = await playbackRoom(n);
    const foreign = await n.playback(
      "ListPlaybackHistory",
      { roomId: other.publicId, cursor: first.body.nextCursor },
      other.admin.token,
    );
    expect(foreign.errorInfo?.errorCode).toBe(3000);
  });
});

describe("client_operation_id", () => {
  it("a repeated PlayNext with one id advances once and echoes the id", async () => {
    const room = await playbackRoom(n, { mediaCount: 3 });
    const body = { roomId: room.publicId };
    await ok(n, "StartPlayback", { ...body, mediaId: room.media[0]?.publicId }, room.admin.token);
    const clientOperationId = randomUUID();
    const first = await ok(n, "PlayNext", { ...body, clientOperationId }, room.admin.token);
    const retried = await ok(n, "PlayNext", { ...body, clientOperationId }, room.admin.token);
    expect(first.playingMediaId).toBe(room.media[1]?.publicId);
    expect(retried.playingMediaId).toBe(room.media[1]?.publicId);
    expect(retried.version).toBe(first.version);
    expect(first.clientOperationId).toBe(clientOperationId);
    expect(retried.clientOperationId).toBe(clientOperationId);
    const changes = (await playbackEvents(n, room.id)).filter((e) => e.eventType === "playback.source_changed");
    expect(changes).toHaveLength(2);
    // Another id moves on; the same id from another actor is a different operation.
    expect(
      (await ok(n, "PlayNext", { ...body, clientOperationId: randomUUID() }, room.admin.token)).playingMediaId,
    ).toBe(room.media[2]?.publicId);
    expect((await ok(n, "PlayPrevious", { ...body, clientOperationId }, room.creator.token)).playingMediaId).toBe(
      room.media[1]?.publicId,
    );
  });

  it("a failure echoes the id in ErrorInfo", async () => {
    const room = await playbackRoom(n);
    const clientOperationId = randomUUID();
    const r = await n.playback(
      "UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_PLAY", clientOperationId },
      room.admin.token,
    );
    expect(r.errorInfo?.errorCode).toBe(3105);
    expect(r.errorInfo?.clientOperationId).toBe(clientOperationId);
  });
});
