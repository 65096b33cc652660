// PlaylistService and ProviderService.PrepareDirectUrl through the real node (Connect JSON): public
// ids in and out, foreign-room ids as NOT_FOUND, the access classes, and the direct-URL rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { insertMedia, insertPlaylist, setPlaying } from "../support/fixtures/index.js";

let n: MembersNode;
let owner: TestUser;
let member: TestUser;
let stranger: TestUser;
let room: TestRoom;
let otherRoom: TestRoom;

const playlistCall = <T = Record<string, unknown>>(method: string, body: unknown, token?: string) =>
  callJson<T>(n.t.baseUrl, `synctv.v1.PlaylistService/${method}`, body, token);

beforeAll(async () => {
  n = await startMembersNode();
  owner = await mintUser(n);
  member = await mintUser(n);
  stranger = await mintUser(n);
  room = await makeRoom(n, { createdBy: owner.id });
  otherRoom = await makeRoom(n, { createdBy: stranger.id });
  await addStoredMember(n.db, room.id, member.id);
}, 60_000);
afterAll(async () => {
  await n.close();
});

describe("PlaylistService over Connect JSON", () => {
  it("creates a playlist, adds a detected HLS item to it and lists it with public ids", async () => {
    const created = await playlistCall<{ playlist: { id: string; roomId: string; version: string } }>(
      "CreatePlaylist",
      { roomId: room.publicId, name: "Shows" },
      member.token,
    );
    expect(created.status).toBe(200);
    expect(created.body.playlist.id).toMatch(/^pl_/);
    const added = await playlistCall<{
      media: { id: string; sourceConfig?: { directUrl: { medias: { format: string }[] } } };
    }>(
      "AddMedia",
      {
        roomId: room.publicId,
        playlistId: created.body.playlist.id,
        sourceConfig: { directUrl: { medias: [{ url: "https://cdn.example.com/live/index.m3u8" }] } },
      },
      member.token,
    );
    expect(added.status).toBe(200);
    expect(added.body.media.id).toMatch(/^med_/);
    expect(added.body.media.sourceConfig?.directUrl.medias[0]?.format).toBe("MEDIA_FORMAT_HLS");
    const listed = await playlistCall<{ media: { id: string; name: string; sourceConfig?: unknown }[]; total: number }>(
      "ListPlaylistItems",
      { roomId: room.publicId, playlistId: created.body.playlist.id },
      owner.token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.media[0]).toMatchObject({ id: added.body.media.id, name: "index.m3u8" });
    // Not the creator: no source config.
    expect(listed.body.media[0]?.sourceConfig).toBeUndefined();
  });

  it("answers NOT_FOUND for ids of another room and 4001 for non-members", async () => {
    const foreignPlaylist = await insertPlaylist(n.db, { roomId: otherRoom.id, creatorId: stranger.id });
    const foreignMedia = await insertMedia(n.db, { roomId: otherRoom.id, creatorId: stranger.id });
    const getMedia = await playlistCall(
      "GetMedia",
      { roomId: room.publicId, mediaId: n.ids.encode("med", foreignMedia.id) },
      owner.token,
    );
    expect(getMedia.code).toBe("not_found");
    const del = await playlistCall(
      "DeletePlaylist",
      { roomId: room.publicId, playlistId: n.ids.encode("pl", foreignPlaylist.id), force: true },
      owner.token,
    );
    expect(del.code).toBe("not_found");
    const outsider = await playlistCall("ListPlaylists", { roomId: room.publicId }, stranger.token);
    expect(outsider.code).toBe("permission_denied");
    expect(outsider.errorInfo?.errorCode).toBe(4001);
    const anonymous = await playlistCall("ListPlaylists", { roomId: room.publicId });
    expect(anonymous.code).toBe("unauthenticated");
  });

  it("refuses a playing item's deletion without force with 3107", async () => {
    const m = await insertMedia(n.db, { roomId: room.id, creatorId: member.id });
    await setPlaying(n.db, room.id, m.id);
    const refused = await playlistCall(
      "DeleteMedia",
      { roomId: room.publicId, mediaId: n.ids.encode("med", m.id) },
      member.token,
    );
    expect(refused.code).toBe("failed_precondition");
    expect(refused.errorInfo?.errorCode).toBe(3107);
    const forced = await playlistCall(
      "DeleteMedia",
      { roomId: room.publicId, mediaId: n.ids.encode("med", m.id), force: true },
      member.token,
    );
    expect(forced.status).toBe(200);
  });
});

describe("ProviderService.PrepareDirectUrl", () => {
  const prepare = (body: unknown, token?: string) =>
    callJson<{
      source: { medias: { url: string; format: string; headers?: Record<string, string> }[]; playbackKind?: string };
    }>(n.t.baseUrl, "synctv.v1.ProviderService/PrepareDirectUrl", body, token);

  it("normalises the URL, lower-cases header names and detects format and kind", async () => {
    const res = await prepare(
      { url: "https://cdn.example.com/films/été.MP4", headers: { Referer: "https://example.com/" } },
      member.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.source.medias[0]).toMatchObject({
      url: "https://cdn.example.com/films/%C3%A9t%C3%A9.MP4",
      format: "MEDIA_FORMAT_MP4",
      headers: { referer: "https://example.com/" },
    });
    expect(res.body.source.playbackKind).toBe("PLAYBACK_KIND_REGULAR");
  });

  it("refuses forbidden headers (3000) and anonymous callers", async () => {
    const res = await prepare(
      { url: "https://cdn.example.com/a.mp4", headers: { "X-Forwarded-For": "1.2.3.4" } },
      member.token,
    );
    expect(res.code).toBe("invalid_argument");
    expect(res.errorInfo?.errorCode).toBe(3000);
    expect((await prepare({ url: "https://cdn.example.com/a.mp4" })).code).toBe("unauthenticated");
  });
});
