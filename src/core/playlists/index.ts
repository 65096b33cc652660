// The playlists domain's public surface for the composition root, transports and the playback service.
export type { DirectUrlSource } from "./direct-url/direct-url-source.js";
export { parseDirectUrlSource } from "./direct-url/direct-url-source.js";
export { SSRF_DISABLED, type SsrfPolicy } from "./direct-url/ssrf-target-check.js";
export type { DeletionCounts } from "./library-deletion.js";
export type { LibraryDeps } from "./library-deps.js";
export { LIBRARY_RESOURCE } from "./library-events.js";
export { libraryVersion } from "./library-reads.js";
export type { MediaView, PlaylistView } from "./library-types.js";
export { loadPlayableMedia, type PlayableMedia } from "./playable-media.js";
export {
  findPlayingSource,
  lockPlayingSource,
  type PlayingSource,
  resetPlaybackToNone,
} from "./playback-source-reset.js";
export { PlaylistLibrary } from "./playlist-library.js";
