// Reads of playlist and media rows with what their views need: the creator's standing (for
// CREATOR_INACTIVE) and, for playlists, the number of live direct children. Live rows only.
import { and, eq, getTableColumns, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { BrowseAccessMode, media, playlists, SourceProvider } from "../../infra/db/schema/index.js";
import { parseDirectUrlSource } from "./direct-url/direct-url-source.js";
import type { BrowseAccess, MediaView, PlaylistView } from "./library-types.js";

// status 1 = active in user_account_profiles (not banned); deleted accounts are inactive too.
const creatorActive = (creator: SQL | typeof playlists.creatorId | typeof media.creatorId) =>
  sql<boolean>`EXISTS (SELECT 1 FROM user_account_profiles uap WHERE uap.id = ${creator} AND uap.deleted_at IS NULL AND uap.status = 1)`;

export const playlistSelection = {
  ...getTableColumns(playlists),
  creatorActive: creatorActive(playlists.creatorId),
  itemCount:
    sql<number>`((SELECT count(*) FROM playlists cp WHERE cp.parent_id = ${playlists.id} AND cp.deleted_at IS NULL)
    + (SELECT count(*) FROM media cm WHERE cm.playlist_id = ${playlists.id} AND cm.deleted_at IS NULL))`.mapWith(
      Number,
    ),
};

export const mediaSelection = {
  ...getTableColumns(media),
  creatorActive: creatorActive(media.creatorId),
};

export type PlaylistRow = typeof playlists.$inferSelect & { creatorActive: boolean; itemCount: number };
export type MediaRow = typeof media.$inferSelect & { creatorActive: boolean };

const BROWSE_ACCESS: Record<number, BrowseAccess> = {
  [BrowseAccessMode.default]: "DEFAULT",
  [BrowseAccessMode.roomMembers]: "ROOM_MEMBERS",
  [BrowseAccessMode.creatorOnly]: "CREATOR_ONLY",
};

export const livePlaylist = (roomId: number, id: number) =>
  and(eq(playlists.roomId, roomId), eq(playlists.id, id), isNull(playlists.deletedAt));
export const liveMedia = (roomId: number, id: number) =>
  and(eq(media.roomId, roomId), eq(media.id, id), isNull(media.deletedAt));

/** A live playlist of the room, or null (unknown, deleted and foreign-room ids look the same). */
export async function findPlaylist(db: DbExecutor, roomId: number, id: number): Promise<PlaylistRow | null> {
  const [row] = await db.select(playlistSelection).from(playlists).where(livePlaylist(roomId, id));
  return row ?? null;
}

export async function findMedia(db: DbExecutor, roomId: number, id: number): Promise<MediaRow | null> {
  const [row] = await db.select(mediaSelection).from(media).where(liveMedia(roomId, id));
  return row ?? null;
}

/** Live media of the room among `ids`, in no particular order. */
export async function findMediaMany(db: DbExecutor, roomId: number, ids: readonly number[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  return db
    .select(mediaSelection)
    .from(media)
    .where(and(eq(media.roomId, roomId), inArray(media.id, [...ids]), isNull(media.deletedAt)));
}

export function toPlaylistView(row: PlaylistRow, viewerId: number): PlaylistView {
  return {
    id: row.id,
    roomId: row.roomId,
    parentId: row.parentId,
    name: row.name,
    description: row.description,
    position: row.position,
    isDynamic: row.sourceProvider !== null,
    sourceProvider: row.sourceProvider,
    providerInstanceName: row.providerInstanceName,
    sourceConfig: row.creatorId === viewerId ? row.sourceConfig : null,
    browseAccess: BROWSE_ACCESS[row.browseAccessMode] ?? "DEFAULT",
    itemCount: row.itemCount,
    creatorId: row.creatorId,
    creatorActive: row.creatorActive,
    version: row.version,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export function toMediaView(row: MediaRow, viewerId: number): MediaView {
  const own = row.creatorId === viewerId;
  return {
    id: row.id,
    roomId: row.roomId,
    playlistId: row.playlistId,
    name: row.name,
    description: row.description,
    position: row.position,
    sourceProvider: row.sourceProvider,
    providerInstanceName: row.providerInstanceName,
    sourceConfig:
      own && row.sourceProvider === SourceProvider.directUrl ? parseDirectUrlSource(row.sourceConfig) : null,
    creatorId: row.creatorId,
    creatorActive: row.creatorActive,
    version: row.version,
    addedAt: row.addedAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export const browseAccessToStored: Record<BrowseAccess, number> = {
  DEFAULT: BrowseAccessMode.default,
  ROOM_MEMBERS: BrowseAccessMode.roomMembers,
  CREATOR_ONLY: BrowseAccessMode.creatorOnly,
};
