// Human-readable lines for the room's playback and library: one sentence per playback change, a
// few aligned lines for `playback get`, tables for playlists and media.
import type { PlaybackState } from "../../../../gen/synctv/v1/playback_pb.js";
import type { Media, Playlist } from "../../../../gen/synctv/v1/playlist_pb.js";
import { table } from "./output.js";

const seconds = (s: number) => `${s.toFixed(1)}s`;

/** The position at the state's own server time (02 §4: the timeline formula). */
export function positionNow(s: PlaybackState): number {
  if (!s.playing) return s.position;
  const elapsedMs = Math.max(0, Number(s.serverTimeMs - s.anchorAt));
  return s.position + (elapsedMs / 1000) * s.speed;
}

/** e.g. "paused med_… at 42.0s in room_…", or "nothing is playing in room_…". */
export function playbackSentence(s: PlaybackState | undefined, roomId: string): string {
  if (s === undefined || s.playingMediaId === "") return `nothing is playing in ${roomId}`;
  const speed = s.speed === 1 ? "" : ` at ${s.speed}x`;
  return `${s.playing ? "playing" : "paused"} ${s.playingMediaId} at ${seconds(positionNow(s))}${speed} in ${roomId}`;
}

export function playbackDetails(s: PlaybackState | undefined, roomId: string): string {
  if (s === undefined || s.playingMediaId === "") return playbackSentence(s, roomId);
  return [
    `room:      ${roomId}`,
    `state:     ${s.playing ? "playing" : "paused"}`,
    `media:     ${s.playingMediaId}`,
    `playlist:  ${s.playingPlaylistId === "" ? "-" : s.playingPlaylistId}`,
    `position:  ${seconds(positionNow(s))}`,
    `speed:     ${s.speed}x`,
    `version:   ${s.version}`,
  ].join("\n");
}

export function playlistsTable(playlists: readonly Playlist[]): string {
  return table(
    ["ID", "NAME", "PARENT", "ITEMS"],
    playlists.map((p) => [p.id, p.name, p.parentId === "" ? "-" : p.parentId, String(p.itemCount)]),
  );
}

export function mediaTable(media: readonly Media[]): string {
  return table(
    ["ID", "NAME", "PLAYLIST", "CREATOR"],
    media.map((m) => [m.id, m.name, m.playlistId === "" ? "-" : m.playlistId, m.creatorId]),
  );
}
