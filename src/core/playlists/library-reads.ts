// GetPlaylist, ListPlaylists, GetMedia and ListPlaylistItems for static scopes (spec 02 §3.4): members
// with browse_library; pages of playlists first, then media; search by name; the breadcrumb from the
// root; and the library version (the room's newest playlist_items event) for change detection.
import { and, asc, count, desc, eq, ilike, isNull, type SQL, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { media, playlists, roomResourceEvents } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { enterLibrary } from "./library-access.js";
import type { LibraryDeps } from "./library-deps.js";
import { mediaNotFound, playlistNotFound, providerNotAvailable } from "./library-errors.js";
import { LIBRARY_RESOURCE } from "./library-events.js";
import {
  findMedia,
  findPlaylist,
  mediaSelection,
  playlistSelection,
  toMediaView,
  toPlaylistView,
} from "./library-rows.js";
import type { Availability, LibrarySort, MediaView, PageRequest, PlaylistView } from "./library-types.js";
import { rowsOf } from "./scope-ordering.js";

export interface ListPlaylistsInput {
  roomId: number;
  parentId: number | null;
  page: PageRequest;
  search: string;
  sourceProvider?: number;
  dynamicOnly: boolean;
  sort: LibrarySort;
  descending: boolean;
  availability: Availability;
}

export interface ListItemsInput {
  roomId: number;
  playlistId: number | null;
  page: PageRequest;
  search: string;
  sort: LibrarySort;
  descending: boolean;
  availability: Availability;
}

export interface PathSegment {
  playlistId: number;
  name: string;
}

export interface ItemListing {
  playlists: PlaylistView[];
  media: MediaView[];
  path: PathSegment[];
  total: number;
  /** True when another page follows. */
  hasMore: boolean;
  version: number;
}

export class LibraryReads {
  constructor(private readonly deps: LibraryDeps) {}

  async getPlaylist(actor: Actor, roomId: number, playlistId: number) {
    const lib = await enterLibrary(this.deps.access, actor, roomId, "browse_library", { read: true });
    const row = await findPlaylist(this.deps.database.db, roomId, playlistId);
    if (!row) throw playlistNotFound();
    const db = this.deps.database.db;
    const [children] = await db
      .select({ n: count() })
      .from(playlists)
      .where(and(eq(playlists.parentId, playlistId), isNull(playlists.deletedAt)));
    const [items] = await db
      .select({ n: count() })
      .from(media)
      .where(and(eq(media.playlistId, playlistId), isNull(media.deletedAt)));
    return {
      playlist: toPlaylistView(row, lib.userId),
      childPlaylistCount: children?.n ?? 0,
      mediaCount: items?.n ?? 0,
    };
  }

  async getMedia(actor: Actor, roomId: number, mediaId: number): Promise<MediaView> {
    const lib = await enterLibrary(this.deps.access, actor, roomId, "browse_library", { read: true });
    const row = await findMedia(this.deps.database.db, roomId, mediaId);
    if (!row) throw mediaNotFound();
    return toMediaView(row, lib.userId);
  }

  async listPlaylists(actor: Actor, input: ListPlaylistsInput): Promise<{ playlists: PlaylistView[]; total: number }> {
    const lib = await enterLibrary(this.deps.access, actor, input.roomId, "browse_library", { read: true });
    const db = this.deps.database.db;
    if (input.parentId !== null && !(await findPlaylist(db, input.roomId, input.parentId))) throw playlistNotFound();
    const where = and(
      eq(playlists.roomId, input.roomId),
      input.parentId === null ? isNull(playlists.parentId) : eq(playlists.parentId, input.parentId),
      isNull(playlists.deletedAt),
      searchFilter(playlists.name, input.search),
      input.sourceProvider === undefined ? undefined : eq(playlists.sourceProvider, input.sourceProvider),
      input.dynamicOnly ? sql`${playlists.sourceProvider} IS NOT NULL` : undefined,
      availabilityFilter(playlistSelection.creatorActive, input.availability),
    );
    const [total] = await db.select({ n: count() }).from(playlists).where(where);
    const rows = await db
      .select(playlistSelection)
      .from(playlists)
      .where(where)
      .orderBy(...playlistOrder(input.sort, input.descending))
      .limit(input.page.pageSize)
      .offset((input.page.page - 1) * input.page.pageSize);
    return { playlists: rows.map((r) => toPlaylistView(r, lib.userId)), total: total?.n ?? 0 };
  }

  /** One page over the scope's playlists followed by its media. */
  async listItems(actor: Actor, input: ListItemsInput): Promise<ItemListing> {
    const lib = await enterLibrary(this.deps.access, actor, input.roomId, "browse_library", { read: true });
    const db = this.deps.database.db;
    if (input.playlistId !== null) {
      const scope = await findPlaylist(db, input.roomId, input.playlistId);
      if (!scope) throw playlistNotFound();
      if (scope.sourceProvider !== null) throw providerNotAvailable("Dynamic playlist browsing");
    }
    const playlistWhere = and(
      eq(playlists.roomId, input.roomId),
      input.playlistId === null ? isNull(playlists.parentId) : eq(playlists.parentId, input.playlistId),
      isNull(playlists.deletedAt),
      searchFilter(playlists.name, input.search),
      availabilityFilter(playlistSelection.creatorActive, input.availability),
    );
    const mediaWhere = and(
      eq(media.roomId, input.roomId),
      input.playlistId === null ? isNull(media.playlistId) : eq(media.playlistId, input.playlistId),
      isNull(media.deletedAt),
      searchFilter(media.name, input.search),
      availabilityFilter(mediaSelection.creatorActive, input.availability),
    );
    const [playlistTotal] = await db.select({ n: count() }).from(playlists).where(playlistWhere);
    const [mediaTotal] = await db.select({ n: count() }).from(media).where(mediaWhere);
    const pCount = playlistTotal?.n ?? 0;
    const mCount = mediaTotal?.n ?? 0;
    const offset = (input.page.page - 1) * input.page.pageSize;
    const limit = input.page.pageSize;
    const pRows =
      offset < pCount
        ? await db
            .select(playlistSelection)
            .from(playlists)
            .where(playlistWhere)
            .orderBy(...playlistOrder(input.sort, input.descending))
            .limit(limit)
            .offset(offset)
        : [];
    const mediaOffset = Math.max(0, offset - pCount);
    const mediaLimit = limit - pRows.length;
    const mRows =
      mediaLimit > 0 && mediaOffset < mCount
        ? await db
            .select(mediaSelection)
            .from(media)
            .where(mediaWhere)
            .orderBy(...mediaOrder(input.sort, input.descending))
            .limit(mediaLimit)
            .offset(mediaOffset)
        : [];
    return {
      playlists: pRows.map((r) => toPlaylistView(r, lib.userId)),
      media: mRows.map((r) => toMediaView(r, lib.userId)),
      path: input.playlistId === null ? [] : await breadcrumb(db, input.roomId, input.playlistId),
      total: pCount + mCount,
      hasMore: offset + limit < pCount + mCount,
      version: await libraryVersion(db, input.roomId),
    };
  }
}

/** The room's newest playlist_items room_seq (0 before any change): any library change bumps it. */
export async function libraryVersion(db: DbExecutor, roomId: number): Promise<number> {
  const [row] = await db
    .select({ v: sql<number | null>`max(${roomResourceEvents.roomSeq})` })
    .from(roomResourceEvents)
    .where(and(eq(roomResourceEvents.roomId, roomId), eq(roomResourceEvents.resourceType, LIBRARY_RESOURCE)));
  return Number(row?.v ?? 0);
}

/** Root-first chain of playlists down to `playlistId`. */
async function breadcrumb(db: DbExecutor, roomId: number, playlistId: number): Promise<PathSegment[]> {
  const rows = rowsOf<{ id: unknown; name: string; depth: unknown }>(
    await db.execute(sql`WITH RECURSIVE up(id, parent_id, name, depth) AS (
        SELECT id, parent_id, name, 0 FROM playlists WHERE room_id = ${roomId} AND id = ${playlistId}
        UNION
        SELECT p.id, p.parent_id, p.name, up.depth + 1 FROM playlists p JOIN up ON p.id = up.parent_id
        WHERE p.room_id = ${roomId} AND up.depth < 1000
      ) SELECT id, name, depth FROM up ORDER BY depth DESC`),
  );
  return rows.map((r) => ({ playlistId: Number(r.id), name: r.name }));
}

function searchFilter(column: typeof playlists.name | typeof media.name, search: string): SQL | undefined {
  const term = search.trim();
  if (term === "") return undefined;
  // Escape LIKE wildcards so a search for "100%" means the literal text.
  return ilike(column, `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

function availabilityFilter(active: SQL<boolean>, availability: Availability): SQL | undefined {
  if (availability === "AVAILABLE") return active;
  if (availability === "CREATOR_INACTIVE") return sql`NOT ${active}`;
  return undefined;
}

function playlistOrder(sort: LibrarySort, descending: boolean): SQL[] {
  const dir = descending ? desc : asc;
  const key =
    sort === "NAME"
      ? playlists.name
      : sort === "CREATED_AT"
        ? playlists.createdAt
        : sort === "UPDATED_AT"
          ? playlists.updatedAt
          : playlists.position;
  return [dir(key), dir(playlists.id)];
}

function mediaOrder(sort: LibrarySort, descending: boolean): SQL[] {
  const dir = descending ? desc : asc;
  const key =
    sort === "NAME"
      ? media.name
      : sort === "CREATED_AT"
        ? media.addedAt
        : sort === "UPDATED_AT"
          ? media.updatedAt
          : media.position;
  return [dir(key), dir(media.id)];
}
