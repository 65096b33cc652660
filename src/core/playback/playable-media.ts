// The library as playback sees it (spec 02 §3.5, 07 §14.2): a media item that may start (live row, in the
// room, creator active = AVAILABLE, a P1 provider) and the ordered, playable items of its scope for
// next/previous. Soft-deleted and unavailable items are never chosen.
import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { media, playlists, SourceProvider } from "../../infra/db/schema/index.js";
import { ProfileStatus, userAccountProfiles } from "../../infra/db/views/user-account-profiles.js";
import { failedPrecondition, notFound, unimplemented } from "../errors.js";
import { type DirectUrlSource, parseDirectUrlSource } from "../playlists/direct-url/direct-url-source.js";
import type { PlaybackKind } from "./timeline/index.js";

export interface PlayableMedia {
  id: number;
  name: string;
  playlistId: number | null;
  playlistName: string | null;
  providerInstanceName: string | null;
  config: DirectUrlSource;
  playbackKind: PlaybackKind;
}

const creatorActive = and(eq(userAccountProfiles.status, ProfileStatus.active), isNull(userAccountProfiles.deletedAt));

/**
 * A media item of the room that can play now. Unknown, foreign-room or deleted → NOT_FOUND; creator
 * banned or deleted (CREATOR_INACTIVE) → FAILED_PRECONDITION; a provider outside P1 → UNIMPLEMENTED.
 */
export async function loadPlayableMedia(db: DbExecutor, roomId: number, mediaId: number): Promise<PlayableMedia> {
  const [row] = await db
    .select({
      id: media.id,
      name: media.name,
      playlistId: media.playlistId,
      playlistName: playlists.name,
      provider: media.sourceProvider,
      providerInstanceName: media.providerInstanceName,
      config: media.sourceConfig,
      creatorStatus: userAccountProfiles.status,
      creatorDeletedAt: userAccountProfiles.deletedAt,
    })
    .from(media)
    .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, media.creatorId))
    .leftJoin(playlists, eq(playlists.id, media.playlistId))
    .where(and(eq(media.id, mediaId), eq(media.roomId, roomId), isNull(media.deletedAt)));
  if (!row) throw notFound("Media not found");
  if (row.creatorStatus !== ProfileStatus.active || row.creatorDeletedAt !== null) {
    throw failedPrecondition("The media item is not available: its creator is inactive");
  }
  if (row.provider !== SourceProvider.directUrl) throw unimplemented("Only direct URL media can play in this version");
  const config = parseDirectUrlSource(row.config);
  return {
    id: row.id,
    name: row.name,
    playlistId: row.playlistId,
    playlistName: row.playlistName ?? null,
    providerInstanceName: row.providerInstanceName,
    config,
    playbackKind: config.playbackKind === "live" ? "LIVE" : "REGULAR",
  };
}

/** The scope (playlist or root) a media item lives in; root when the item is gone. */
export async function scopeOfMedia(db: DbExecutor, roomId: number, mediaId: number): Promise<number | null> {
  const [row] = await db
    .select({ playlistId: media.playlistId })
    .from(media)
    .where(and(eq(media.id, mediaId), eq(media.roomId, roomId)));
  return row?.playlistId ?? null;
}

/** Playable media ids of one scope in playlist order (position, then id). */
export async function playableItemsOfScope(
  db: DbExecutor,
  roomId: number,
  playlistId: number | null,
): Promise<number[]> {
  const rows = await db
    .select({ id: media.id })
    .from(media)
    .innerJoin(userAccountProfiles, eq(userAccountProfiles.id, media.creatorId))
    .where(
      and(
        eq(media.roomId, roomId),
        playlistId === null ? isNull(media.playlistId) : eq(media.playlistId, playlistId),
        isNull(media.deletedAt),
        eq(media.sourceProvider, SourceProvider.directUrl),
        creatorActive,
      ),
    )
    .orderBy(asc(media.position), asc(media.id));
  return rows.map((r) => r.id);
}

/** A static playlist the StartPlayback context names must exist in the room (02 §2.3: foreign → NOT_FOUND). */
export async function assertPlaylistInRoom(db: DbExecutor, roomId: number, playlistId: number): Promise<void> {
  const [row] = await db
    .select({ id: playlists.id })
    .from(playlists)
    .where(and(eq(playlists.id, playlistId), eq(playlists.roomId, roomId), isNull(playlists.deletedAt)));
  if (!row) throw notFound("Playlist not found");
}
