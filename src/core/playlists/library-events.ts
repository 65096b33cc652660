// The durable `playlist_items` events (spec 03 §2, 06 §4.2): exactly one per library change,
// appended in the change's transaction so its room_seq orders it among the room's events. Observers
// refetch the listing (snapshot resource), so the payload names what changed rather than carrying it.
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { AppendedRoomEvent } from "../../infra/db/events/room-event-log.js";

export const LIBRARY_RESOURCE = "playlist_items";

export type LibraryEventType =
  | "playlist.created"
  | "playlist.updated"
  | "playlist.moved"
  | "playlist.deleted"
  | "media.added"
  | "media.edited"
  | "media.moved"
  | "media.deleted"
  | "entries.deleted"
  | "scope.cleared";

export interface LibraryEventInput {
  roomId: number;
  actorUserId: number | null;
  type: LibraryEventType;
  playlistIds?: readonly number[];
  mediaIds?: readonly number[];
  /** Scopes whose listing changed (null = root). */
  scopes?: readonly (number | null)[];
  /** The forced change also reset playback to nothing. */
  playbackReset?: boolean;
}

export function appendLibraryEvent(events: RoomEventRecorder, input: LibraryEventInput): Promise<AppendedRoomEvent> {
  const playlistIds = [...(input.playlistIds ?? [])];
  const mediaIds = [...(input.mediaIds ?? [])];
  const single = playlistIds.length + mediaIds.length === 1;
  return events.append({
    roomId: input.roomId,
    resourceType: LIBRARY_RESOURCE,
    resourceId: single ? (playlistIds.length === 1 ? `pl:${playlistIds[0]}` : `med:${mediaIds[0]}`) : null,
    eventType: input.type,
    aggregateType: "room_library",
    aggregateId: String(input.roomId),
    actorUserId: input.actorUserId,
    payload: {
      playlistIds,
      mediaIds,
      scopes: [...new Set(input.scopes ?? [])],
      playbackReset: input.playbackReset ?? false,
    },
    summary: { type: input.type, playlists: playlistIds.length, media: mediaIds.length },
  });
}
