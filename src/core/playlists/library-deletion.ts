// DeletePlaylist, DeleteMedia, DeleteEntries and ClearPlaylist (spec 02 §3.4, 04 §9.1): soft deletes
// of whole subtrees in one transaction. Others' items need delete_media (ClearPlaylist: clear_media);
// removing the playing item needs `force` (3107) except for ClearPlaylist, and then playback resets
// to nothing in the same transaction.
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import { LibraryDeletionSource, media, playlists } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { enterLibrary, type LibraryContext, requireDeletable } from "./library-access.js";
import type { LibraryDeps } from "./library-deps.js";
import { forceRequired, mediaNotFound, playlistNotFound } from "./library-errors.js";
import { appendLibraryEvent, type LibraryEventType } from "./library-events.js";
import { lockPlayingSource, resetPlaybackToNone } from "./playback-source-reset.js";
import { lockLibraryTree, rowsOf } from "./scope-ordering.js";

export interface DeletionCounts {
  deletedPlaylists: number;
  deletedMedia: number;
}

interface Owned {
  id: number;
  creatorId: number;
}

interface DeletionSet {
  playlists: Owned[];
  media: Owned[];
}

/** What happens when the playing item is among the deleted: refuse without force, or reset. */
type PlayingRule = { force: boolean } | "always-reset";

export class LibraryDeletion {
  constructor(private readonly deps: LibraryDeps) {}

  deletePlaylist(actor: Actor, roomId: number, playlistId: number, force: boolean): Promise<DeletionCounts> {
    return this.#run(actor, roomId, "playlist.deleted", { force }, async (tx) => {
      const [exists] = await tx
        .select({ id: playlists.id })
        .from(playlists)
        .where(livePlaylistIn(roomId, [playlistId]));
      if (!exists) throw playlistNotFound();
      return subtree(tx, roomId, [playlistId], []);
    });
  }

  deleteMedia(actor: Actor, roomId: number, mediaId: number, force: boolean): Promise<DeletionCounts> {
    return this.#run(actor, roomId, "media.deleted", { force }, async (tx) => {
      const rows = await liveMediaOwners(tx, roomId, [mediaId]);
      if (rows.length !== 1) throw mediaNotFound();
      return { playlists: [], media: rows };
    });
  }

  deleteEntries(
    actor: Actor,
    roomId: number,
    playlistIds: readonly number[],
    mediaIds: readonly number[],
    force: boolean,
  ): Promise<DeletionCounts> {
    return this.#run(actor, roomId, "entries.deleted", { force }, async (tx) => {
      const wantedPlaylists = [...new Set(playlistIds)];
      const wantedMedia = [...new Set(mediaIds)];
      const found = await tx
        .select({ id: playlists.id })
        .from(playlists)
        .where(livePlaylistIn(roomId, wantedPlaylists));
      if (found.length !== wantedPlaylists.length) throw playlistNotFound();
      const listed = await liveMediaOwners(tx, roomId, wantedMedia);
      if (listed.length !== wantedMedia.length) throw mediaNotFound();
      return subtree(tx, roomId, wantedPlaylists, listed);
    });
  }

  /** Empties a playlist (or the root, playlistId null) but keeps the playlist itself. */
  clear(actor: Actor, roomId: number, playlistId: number | null): Promise<DeletionCounts> {
    return this.#run(
      actor,
      roomId,
      "scope.cleared",
      "always-reset",
      async (tx) => {
        if (playlistId !== null) {
          const [exists] = await tx
            .select({ id: playlists.id })
            .from(playlists)
            .where(livePlaylistIn(roomId, [playlistId]));
          if (!exists) throw playlistNotFound();
        }
        const children = await tx
          .select({ id: playlists.id })
          .from(playlists)
          .where(
            and(eq(playlists.roomId, roomId), scopeIs(playlists.parentId, playlistId), isNull(playlists.deletedAt)),
          );
        const direct = await tx
          .select({ id: media.id, creatorId: media.creatorId })
          .from(media)
          .where(and(eq(media.roomId, roomId), scopeIs(media.playlistId, playlistId), isNull(media.deletedAt)));
        return subtree(
          tx,
          roomId,
          children.map((c) => c.id),
          direct,
        );
      },
      "clear_media",
      [playlistId],
    );
  }

  async #run(
    actor: Actor,
    roomId: number,
    type: LibraryEventType,
    playing: PlayingRule,
    collect: (tx: DbTransaction) => Promise<DeletionSet>,
    permission: "clear_media" | null = null,
    scopes: (number | null)[] = [],
  ): Promise<DeletionCounts> {
    return this.deps.writer.run(async (tx, events) => {
      const lib = await enterLibrary(this.deps.access, actor, roomId, permission, { read: false, db: tx });
      await lockLibraryTree(tx, roomId, "exclusive");
      const set = await collect(tx);
      // ClearPlaylist's clear_media covers everyone's items; otherwise ownership decides per item.
      if (permission === null)
        for (const item of [...set.playlists, ...set.media]) requireDeletable(lib, item.creatorId);
      if (set.playlists.length === 0 && set.media.length === 0) return { deletedPlaylists: 0, deletedMedia: 0 };
      const reset = await this.#settlePlayback(tx, events, lib, set, playing);
      await softDelete(tx, lib.userId, set);
      await appendLibraryEvent(events, {
        roomId,
        actorUserId: lib.userId,
        type,
        playlistIds: set.playlists.map((p) => p.id),
        mediaIds: set.media.map((m) => m.id),
        scopes,
        playbackReset: reset,
      });
      return { deletedPlaylists: set.playlists.length, deletedMedia: set.media.length };
    });
  }

  async #settlePlayback(
    tx: DbTransaction,
    events: RoomEventRecorder,
    lib: LibraryContext,
    set: DeletionSet,
    rule: PlayingRule,
  ): Promise<boolean> {
    const playing = await lockPlayingSource(tx, lib.roomId);
    if (playing === null) return false;
    const hit =
      (playing.mediaId !== null && set.media.some((m) => m.id === playing.mediaId)) ||
      (playing.playlistId !== null && set.playlists.some((p) => p.id === playing.playlistId));
    if (!hit) return false;
    if (rule !== "always-reset" && !rule.force) throw forceRequired();
    await resetPlaybackToNone(tx, events, lib.roomId, lib.userId);
    return true;
  }
}

/** The playlists `roots` with every live descendant, their live media, plus `extraMedia`; deduplicated. */
async function subtree(
  tx: DbTransaction,
  roomId: number,
  roots: readonly number[],
  extraMedia: readonly Owned[],
): Promise<DeletionSet> {
  let tree: Owned[] = [];
  if (roots.length > 0) {
    const list = sql.join(
      roots.map((id) => sql`${id}`),
      sql`, `,
    );
    tree = rowsOf<{ id: unknown; creator_id: unknown }>(
      await tx.execute(sql`WITH RECURSIVE sub(id, creator_id) AS (
          SELECT id, creator_id FROM playlists WHERE room_id = ${roomId} AND id IN (${list}) AND deleted_at IS NULL
          UNION
          SELECT p.id, p.creator_id FROM playlists p JOIN sub ON p.parent_id = sub.id
          WHERE p.room_id = ${roomId} AND p.deleted_at IS NULL
        ) SELECT id, creator_id FROM sub`),
    ).map((r) => ({ id: Number(r.id), creatorId: Number(r.creator_id) }));
  }
  const inside =
    tree.length === 0
      ? []
      : await tx
          .select({ id: media.id, creatorId: media.creatorId })
          .from(media)
          .where(
            and(
              eq(media.roomId, roomId),
              inArray(
                media.playlistId,
                tree.map((p) => p.id),
              ),
              isNull(media.deletedAt),
            ),
          );
  const byId = new Map<number, Owned>();
  for (const m of [...inside, ...extraMedia]) byId.set(m.id, m);
  return { playlists: tree, media: [...byId.values()] };
}

async function softDelete(tx: DbTransaction, userId: number, set: DeletionSet): Promise<void> {
  const stamp = {
    deletedAt: sql`now()`,
    deletionSource: LibraryDeletionSource.user,
    deletedBy: userId,
  };
  if (set.media.length > 0) {
    await tx
      .update(media)
      .set({ ...stamp, version: sql`${media.version} + 1` })
      .where(
        inArray(
          media.id,
          set.media.map((m) => m.id),
        ),
      );
  }
  if (set.playlists.length > 0) {
    await tx
      .update(playlists)
      .set({ ...stamp, version: sql`${playlists.version} + 1` })
      .where(
        inArray(
          playlists.id,
          set.playlists.map((p) => p.id),
        ),
      );
  }
}

async function liveMediaOwners(tx: DbTransaction, roomId: number, ids: readonly number[]): Promise<Owned[]> {
  if (ids.length === 0) return [];
  return tx
    .select({ id: media.id, creatorId: media.creatorId })
    .from(media)
    .where(and(eq(media.roomId, roomId), inArray(media.id, [...ids]), isNull(media.deletedAt)));
}

function livePlaylistIn(roomId: number, ids: readonly number[]): SQL | undefined {
  if (ids.length === 0) return sql`false`;
  return and(eq(playlists.roomId, roomId), inArray(playlists.id, [...ids]), isNull(playlists.deletedAt));
}

function scopeIs(column: typeof playlists.parentId | typeof media.playlistId, id: number | null): SQL {
  return id === null ? isNull(column) : eq(column, id);
}
