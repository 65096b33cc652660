// For the playback service: one live media item of a room with its parsed source, whoever asks
// (playback resolves sources server-side; the creator-only rule applies to API views, not here).

import type { DbExecutor } from "../../infra/db/database-port.js";
import { SourceProvider } from "../../infra/db/schema/index.js";
import { type DirectUrlSource, parseDirectUrlSource } from "./direct-url/direct-url-source.js";
import { findMedia } from "./library-rows.js";

export interface PlayableMedia {
  id: number;
  roomId: number;
  playlistId: number | null;
  name: string;
  position: number;
  version: number;
  creatorId: number;
  /** CREATOR_INACTIVE items cannot be played (02 §4). */
  creatorActive: boolean;
  provider: "direct_url";
  source: DirectUrlSource;
}

/** null when the item is unknown, deleted, in another room, or from a provider not served yet. */
export async function loadPlayableMedia(
  db: DbExecutor,
  roomId: number,
  mediaId: number,
): Promise<PlayableMedia | null> {
  const row = await findMedia(db, roomId, mediaId);
  if (!row || row.sourceProvider !== SourceProvider.directUrl) return null;
  return {
    id: row.id,
    roomId: row.roomId,
    playlistId: row.playlistId,
    name: row.name,
    position: row.position,
    version: row.version,
    creatorId: row.creatorId,
    creatorActive: row.creatorActive,
    provider: "direct_url",
    source: parseDirectUrlSource(row.sourceConfig),
  };
}
