// "This metadata row describes the room's current source": the same room, media, playlist and target
// (07 §14.1). Shared by the probe claim and the auto-advance read so both agree on what "current" means.
import { and, eq, type SQL, sql } from "drizzle-orm";
import { playbackSourceMetadata, roomPlaybackState } from "../../../infra/db/schema/index.js";

export function metadataOfCurrentSource(): SQL {
  const state = roomPlaybackState;
  const metadata = playbackSourceMetadata;
  // IS NOT DISTINCT FROM: a static source has no playlist and a dynamic one no media; NULL = NULL is unknown.
  const joined = and(
    eq(metadata.roomId, state.roomId),
    sql`${metadata.mediaId} IS NOT DISTINCT FROM ${state.playingMediaId}`,
    sql`${metadata.playlistId} IS NOT DISTINCT FROM ${state.playingPlaylistId}`,
    eq(metadata.targetHash, state.targetHash),
  );
  if (joined === undefined) throw new Error("unreachable: and() of conditions");
  return joined;
}
