// The library's rules at the core (spec 02 §3.4, 04 §9.1): who may do what (own vs others' items,
// guests, non-members), force and playback reset, batches all-or-nothing, the per-scope cap, move
// cycles, versions, and exactly one durable event per change with increasing room_seq.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppCode, type DomainError } from "../../src/core/errors.js";
import { MAX_ITEMS_PER_SCOPE } from "../../src/core/playlists/library-limits.js";
import { media, playlists, roomPlaybackState } from "../../src/infra/db/schema/index.js";
import { insertMedia, insertPlaylist, insertRoom, insertUser, setPlaying } from "../support/fixtures/index.js";
import {
  guestActor,
  type LibraryHarness,
  type LibraryRoom,
  libraryRoom,
  newMedia,
  roomEvents,
  startLibrary,
  userActor,
} from "./library-harness.js";

let h: LibraryHarness;
beforeAll(async () => {
  h = await startLibrary();
});
afterAll(async () => {
  await h.close();
});

async function failure(p: Promise<unknown>): Promise<{ kind: string; code: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as DomainError;
    return { kind: err.kind, code: err.code };
  }
  throw new Error("expected a failure");
}

const create = (r: LibraryRoom, actor = r.member, parentId: number | null = null, name = "Folder") =>
  h.library.createPlaylist(actor, {
    roomId: r.roomId,
    name,
    description: "",
    parentId,
    dynamic: false,
    providerInstanceName: "",
    browseAccess: "DEFAULT",
  });

const add = (r: LibraryRoom, actor = r.member, playlistId: number | null = null, names = ["a"]) =>
  h.library.addMedia(actor, { roomId: r.roomId, playlistId, items: names.map((n) => newMedia(n)) });

describe("access", () => {
  it("refuses non-members (4001) and guests (4008) on reads and writes", async () => {
    const r = await libraryRoom(h.db);
    const listing = { page: { page: 1, pageSize: 20 }, search: "", sort: "POSITION" as const, descending: false };
    const list = (actor = r.stranger) =>
      h.library.listItems(actor, { roomId: r.roomId, playlistId: null, availability: "ANY", ...listing });
    expect(await failure(list())).toEqual({ kind: "PERMISSION_DENIED", code: AppCode.NOT_A_MEMBER });
    expect(await failure(add(r, r.stranger))).toEqual({ kind: "PERMISSION_DENIED", code: AppCode.NOT_A_MEMBER });
    expect(await failure(list(guestActor(r.roomId)))).toEqual({
      kind: "PERMISSION_DENIED",
      code: AppCode.GUEST_NOT_ALLOWED,
    });
    expect(await failure(add(r, guestActor(r.roomId)))).toMatchObject({ code: AppCode.GUEST_NOT_ALLOWED });
  });

  it("lets a member create and edit their own items but not someone else's", async () => {
    const r = await libraryRoom(h.db);
    const [mine] = await add(r, r.member);
    const [theirs] = await add(r, r.owner);
    const edit = (actor = r.member, mediaId = mine?.id ?? 0) =>
      h.library.editMedia(actor, { roomId: r.roomId, mediaId, mask: ["name"], name: "Renamed" });
    expect((await edit()).name).toBe("Renamed");
    expect(await failure(edit(r.member, theirs?.id))).toMatchObject({ kind: "PERMISSION_DENIED" });
    // Even the room creator edits only what they created.
    expect(await failure(edit(r.owner, mine?.id))).toMatchObject({ kind: "PERMISSION_DENIED" });
  });

  it("lets anyone delete their own items, and only delete_media holders delete others'", async () => {
    const r = await libraryRoom(h.db);
    const [mine] = await add(r, r.member);
    const [adminItem] = await add(r, r.admin);
    const [ownerItem] = await add(r, r.owner);
    expect(await failure(h.library.deleteMedia(r.member, r.roomId, adminItem?.id ?? 0, false))).toEqual({
      kind: "PERMISSION_DENIED",
      code: 4000,
    });
    await h.library.deleteMedia(r.member, r.roomId, mine?.id ?? 0, false);
    await h.library.deleteMedia(r.admin, r.roomId, ownerItem?.id ?? 0, false);
  });

  it("keeps reorder and clear to holders of reorder_media and clear_media", async () => {
    const r = await libraryRoom(h.db);
    const [a, b] = await add(r, r.member, null, ["a", "b"]);
    const move = (actor: typeof r.member) =>
      h.library.moveMedia(actor, {
        roomId: r.roomId,
        selection: { mediaIds: [b?.id ?? 0] },
        targetPlaylistId: null,
        anchor: { before: a?.id ?? 0 },
      });
    expect(await failure(move(r.member))).toMatchObject({ kind: "PERMISSION_DENIED" });
    expect((await move(r.admin)).map((m) => m.id)).toEqual([b?.id]);
    expect(await failure(h.library.clearPlaylist(r.member, r.roomId, null))).toMatchObject({
      kind: "PERMISSION_DENIED",
    });
    expect(await h.library.clearPlaylist(r.admin, r.roomId, null)).toEqual({ deletedPlaylists: 0, deletedMedia: 2 });
  });

  it("treats another room's ids as not found", async () => {
    const r = await libraryRoom(h.db);
    const other = await libraryRoom(h.db);
    const foreignPlaylist = await create(other, other.member);
    const [foreignMedia] = await add(other, other.member);
    expect(await failure(h.library.getMedia(r.member, r.roomId, foreignMedia?.id ?? 0))).toMatchObject({
      kind: "NOT_FOUND",
    });
    expect(await failure(h.library.getPlaylist(r.member, r.roomId, foreignPlaylist.id))).toMatchObject({
      kind: "NOT_FOUND",
    });
    expect(await failure(add(r, r.member, foreignPlaylist.id))).toMatchObject({ kind: "NOT_FOUND" });
    expect(await failure(h.library.deleteMedia(r.owner, r.roomId, foreignMedia?.id ?? 0, true))).toMatchObject({
      kind: "NOT_FOUND",
    });
  });

  it("returns a source config only to the item's creator", async () => {
    const r = await libraryRoom(h.db);
    const [item] = await add(r, r.member);
    expect((await h.library.getMedia(r.member, r.roomId, item?.id ?? 0)).sourceConfig?.medias[0]?.format).toBe("mp4");
    expect((await h.library.getMedia(r.owner, r.roomId, item?.id ?? 0)).sourceConfig).toBeNull();
  });
});

describe("playlists", () => {
  it("appends new playlists last among siblings and refuses dynamic ones (9004)", async () => {
    const r = await libraryRoom(h.db);
    const a = await create(r);
    const b = await create(r);
    expect(b.position).toBeGreaterThan(a.position);
    const dynamic = h.library.createPlaylist(r.member, {
      roomId: r.roomId,
      name: "Alist",
      description: "",
      parentId: null,
      dynamic: true,
      providerInstanceName: "",
      browseAccess: "DEFAULT",
    });
    expect(await failure(dynamic)).toEqual({ kind: "UNIMPLEMENTED", code: 9004 });
  });

  it("moves a playlist next to its anchor, adopting the anchor's parent, and refuses cycles (3000)", async () => {
    const r = await libraryRoom(h.db);
    const top = await create(r, r.member, null, "top");
    const child = await create(r, r.member, top.id, "child");
    const other = await create(r, r.member, null, "other");
    const moved = await h.library.movePlaylist(r.admin, {
      roomId: r.roomId,
      playlistId: other.id,
      anchor: { before: child.id },
    });
    expect(moved).toMatchObject({ parentId: top.id });
    expect(moved.position).toBeLessThan(child.position);
    const grandchild = await create(r, r.member, child.id, "grandchild");
    const cycle = h.library.movePlaylist(r.admin, {
      roomId: r.roomId,
      playlistId: top.id,
      anchor: { after: grandchild.id },
    });
    expect(await failure(cycle)).toEqual({ kind: "INVALID_ARGUMENT", code: 3000 });
  });

  it("updates with expected_version and answers ABORTED 2003 on a stale one", async () => {
    const r = await libraryRoom(h.db);
    const p = await create(r);
    const updated = await h.library.updatePlaylist(r.member, {
      roomId: r.roomId,
      playlistId: p.id,
      mask: ["name", "description"],
      name: "Renamed",
      expectedVersion: p.version,
    });
    expect(updated).toMatchObject({ name: "Renamed", description: "", version: p.version + 1 });
    const stale = h.library.updatePlaylist(r.member, {
      roomId: r.roomId,
      playlistId: p.id,
      mask: ["name"],
      name: "Again",
      expectedVersion: p.version,
    });
    expect(await failure(stale)).toEqual({ kind: "CONFLICT", code: 2003 });
  });

  it("deletes a whole subtree; others' items inside need delete_media", async () => {
    const r = await libraryRoom(h.db);
    const top = await create(r, r.member);
    const sub = await create(r, r.member, top.id);
    await add(r, r.member, sub.id, ["x", "y"]);
    await add(r, r.owner, top.id, ["owner's"]);
    expect(await failure(h.library.deletePlaylist(r.member, r.roomId, top.id, false))).toMatchObject({
      kind: "PERMISSION_DENIED",
    });
    expect(await h.library.deletePlaylist(r.admin, r.roomId, top.id, false)).toEqual({
      deletedPlaylists: 2,
      deletedMedia: 3,
    });
    const [row] = await h.db.select().from(playlists).where(eq(playlists.id, sub.id));
    expect(row?.deletedAt).not.toBeNull();
  });
});

describe("force and playback", () => {
  it("refuses to delete the playing item without force (3107) and resets playback with it", async () => {
    const r = await libraryRoom(h.db);
    const folder = await create(r);
    const [playing] = await add(r, r.member, folder.id);
    await setPlaying(h.db, r.roomId, playing?.id ?? 0);
    expect(await failure(h.library.deleteMedia(r.member, r.roomId, playing?.id ?? 0, false))).toEqual({
      kind: "FAILED_PRECONDITION",
      code: AppCode.FORCE_REQUIRED,
    });
    expect(await failure(h.library.deletePlaylist(r.member, r.roomId, folder.id, false))).toMatchObject({
      code: AppCode.FORCE_REQUIRED,
    });
    expect(
      await failure(
        h.library.deleteEntries(r.member, r.roomId, { playlistIds: [], mediaIds: [playing?.id ?? 0] }, false),
      ),
    ).toMatchObject({ code: AppCode.FORCE_REQUIRED });
    const before = await roomEvents(h.db, r.roomId);
    expect(await h.library.deletePlaylist(r.member, r.roomId, folder.id, true)).toEqual({
      deletedPlaylists: 1,
      deletedMedia: 1,
    });
    const [state] = await h.db.select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, r.roomId));
    expect(state).toMatchObject({ playingMediaId: null, isPlaying: false, position: 0, generation: 2 });
    const after = (await roomEvents(h.db, r.roomId)).slice(before.length);
    expect(after.map((e) => e.eventType)).toEqual(["playback.reset", "playlist.deleted"]);
  });

  it("clears a scope without force and resets playback when the playing item goes", async () => {
    const r = await libraryRoom(h.db);
    const [playing] = await add(r, r.member, null, ["a", "b"]);
    await setPlaying(h.db, r.roomId, playing?.id ?? 0);
    expect(await h.library.clearPlaylist(r.owner, r.roomId, null)).toEqual({ deletedPlaylists: 0, deletedMedia: 2 });
    const [state] = await h.db.select().from(roomPlaybackState).where(eq(roomPlaybackState.roomId, r.roomId));
    expect(state?.playingMediaId).toBeNull();
  });
});

describe("media", () => {
  it("adds a batch all-or-nothing: one invalid URL writes nothing", async () => {
    const r = await libraryRoom(h.db);
    const items = [newMedia("ok"), newMedia("bad", "ftp://example.com/a.mp4")];
    expect(await failure(h.library.addMedia(r.member, { roomId: r.roomId, playlistId: null, items }))).toMatchObject({
      kind: "INVALID_ARGUMENT",
    });
    const rows = await h.db.select().from(media).where(eq(media.roomId, r.roomId));
    expect(rows).toEqual([]);
    const added = await add(r, r.member, null, ["1", "2", "3"]);
    expect(added.map((m) => m.name)).toEqual(["1", "2", "3"]);
  });

  it("answers 9004 for providers other than direct_url", async () => {
    const r = await libraryRoom(h.db);
    const item = {
      name: "x",
      description: "",
      providerInstanceName: "",
      source: { provider: "unavailable" as const, name: "alist" },
    };
    expect(await failure(h.library.addMedia(r.member, { roomId: r.roomId, playlistId: null, items: [item] }))).toEqual({
      kind: "UNIMPLEMENTED",
      code: 9004,
    });
  });

  it("refuses the 1001st item of a scope (3001)", async () => {
    const r = await libraryRoom(h.db);
    const user = await insertUser(h.db);
    const roomId = (await insertRoom(h.db, { createdBy: user.id })).id;
    const folder = await insertPlaylist(h.db, { roomId, creatorId: user.id });
    for (let i = 0; i < MAX_ITEMS_PER_SCOPE; i++) {
      await insertMedia(h.db, { roomId, creatorId: user.id, playlistId: folder.id, position: i + 1 });
    }
    const over = h.library.addMedia(userActor(user.id), {
      roomId,
      playlistId: folder.id,
      items: [newMedia("one more")],
    });
    expect(await failure(over)).toEqual({ kind: "FAILED_PRECONDITION", code: 3001 });
    expect(r.roomId).not.toBe(roomId);
  }, 60_000);

  it("moves media into another scope keeping their relative order, at the anchor", async () => {
    const r = await libraryRoom(h.db);
    const target = await create(r);
    const [x, y] = await add(r, r.member, target.id, ["x", "y"]);
    const [a, b, c] = await add(r, r.member, null, ["a", "b", "c"]);
    const moved = await h.library.moveMedia(r.admin, {
      roomId: r.roomId,
      selection: { mediaIds: [c?.id ?? 0, a?.id ?? 0] },
      targetPlaylistId: target.id,
      anchor: { after: x?.id ?? 0 },
    });
    expect(moved.map((m) => m.name)).toEqual(["a", "c"]);
    const listing = await h.library.listItems(r.member, {
      roomId: r.roomId,
      playlistId: target.id,
      page: { page: 1, pageSize: 20 },
      search: "",
      sort: "POSITION",
      descending: false,
      availability: "ANY",
    });
    expect(listing.media.map((m) => m.name)).toEqual(["x", "a", "c", "y"]);
    expect(listing.path.map((p) => p.playlistId)).toEqual([target.id]);
    expect(b).toBeDefined();
    expect(y).toBeDefined();
  });
});

describe("events", () => {
  it("writes exactly one playlist_items event per change, in increasing room_seq", async () => {
    const r = await libraryRoom(h.db);
    const p = await create(r);
    const [m1, m2] = await add(r, r.member, p.id, ["1", "2"]);
    await h.library.editMedia(r.member, {
      roomId: r.roomId,
      mediaId: m1?.id ?? 0,
      mask: ["description"],
      description: "d",
    });
    await h.library.moveMedia(r.admin, {
      roomId: r.roomId,
      selection: { mediaIds: [m2?.id ?? 0] },
      targetPlaylistId: null,
      anchor: null,
    });
    await h.library.deleteEntries(r.member, r.roomId, { playlistIds: [p.id], mediaIds: [m2?.id ?? 0] }, false);
    // A refused change writes nothing.
    await failure(add(r, r.stranger));
    const events = await roomEvents(h.db, r.roomId);
    expect(events.map((e) => [e.resourceType, e.eventType])).toEqual([
      ["playlist_items", "playlist.created"],
      ["playlist_items", "media.added"],
      ["playlist_items", "media.edited"],
      ["playlist_items", "media.moved"],
      ["playlist_items", "entries.deleted"],
    ]);
    const seqs = events.map((e) => e.roomSeq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
