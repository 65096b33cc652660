// Media and subtitle format detection for direct URLs (spec 07 §12.1 step 3): the explicit value
// wins, else the extension of the URL path decides.
import type { MediaFormat, SubtitleFormat } from "./direct-url-source.js";

const MEDIA_BY_EXTENSION: Record<string, MediaFormat> = {
  m3u8: "hls",
  m3u: "hls",
  mpd: "dash",
  flv: "flv",
  mp4: "mp4",
  m4v: "mp4",
  mov: "mp4",
  mkv: "mkv",
  webm: "webm",
  // AVI has no enum value of its own; browsers treat it as a generic video.
  avi: "video",
};

/** Extensions whose files have a fixed length: a REGULAR source unless told otherwise. */
const FILE_CONTAINERS = new Set(["mp4", "m4v", "mov", "mkv", "webm", "avi"]);

const SUBTITLE_BY_EXTENSION: Record<string, SubtitleFormat> = { srt: "srt", vtt: "vtt", ass: "ass", ssa: "ssa" };

/** Lower-case extension of the URL's last path segment, '' when it has none. */
export function pathExtension(url: URL): string {
  const segment = url.pathname.split("/").pop() ?? "";
  const dot = segment.lastIndexOf(".");
  return dot <= 0 ? "" : segment.slice(dot + 1).toLowerCase();
}

export function detectMediaFormat(url: URL, explicit: MediaFormat | undefined): MediaFormat {
  return explicit ?? MEDIA_BY_EXTENSION[pathExtension(url)] ?? "video";
}

export function isFileContainer(url: URL): boolean {
  return FILE_CONTAINERS.has(pathExtension(url));
}

/** null when neither given nor recognisable: the caller rejects it rather than guess. */
export function detectSubtitleFormat(url: URL, explicit: SubtitleFormat | undefined): SubtitleFormat | null {
  return explicit ?? SUBTITLE_BY_EXTENSION[pathExtension(url)] ?? null;
}
