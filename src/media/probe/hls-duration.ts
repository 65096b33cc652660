// HLS duration (spec 07 §14.1): a master playlist leads to its first variant; a media playlist's
// duration is the sum of its #EXTINF values, and without #EXT-X-ENDLIST it is live.
import type { ProbeResponse } from "./http-probe-client.js";
import { decodeManifest, fetchForProbe, type ProbeContext } from "./probe-context.js";
import { type DurationProbeResult, unsupported } from "./probe-result.js";

export const MAX_HLS_PLAYLIST_BYTES = 2 * 1024 * 1024;

export type HlsPlaylist =
  | { type: "master"; firstVariantUri: string }
  | { type: "media"; totalSeconds: number; segmentCount: number; ended: boolean };

/** Parses playlist text; throws an unsupported ProbeFailure when it is not a usable playlist. */
export function parseHlsPlaylist(text: string): HlsPlaylist {
  const lines = text
    .replace(/^\uFEFF/, "")
    .trimStart()
    .split(/\r?\n/)
    .map((line) => line.trim());
  if (lines[0] !== "#EXTM3U") throw unsupported("playlist does not start with #EXTM3U");

  const streamInf = lines.findIndex((line) => line.startsWith("#EXT-X-STREAM-INF"));
  if (streamInf >= 0) {
    const uri = lines.slice(streamInf + 1).find((line) => line !== "" && !line.startsWith("#"));
    if (!uri) throw unsupported("master playlist has #EXT-X-STREAM-INF without a URI");
    return { type: "master", firstVariantUri: uri };
  }

  let totalSeconds = 0;
  let segmentCount = 0;
  let ended = false;
  for (const line of lines) {
    if (line.startsWith("#EXTINF:")) {
      const value = line.slice("#EXTINF:".length).split(",", 1)[0]?.trim() ?? "";
      const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isFinite(seconds)) throw unsupported(`invalid #EXTINF duration "${value.slice(0, 32)}"`);
      totalSeconds += seconds;
      segmentCount++;
    } else if (line === "#EXT-X-ENDLIST") {
      ended = true;
    }
  }
  return { type: "media", totalSeconds, segmentCount, ended };
}

export async function probeHlsDuration(
  url: URL,
  ctx: ProbeContext,
  prefetched?: ProbeResponse,
): Promise<DurationProbeResult> {
  let playlist = await loadPlaylist(url, ctx, prefetched);
  if (playlist.parsed.type === "master") {
    const variantUrl = resolveUri(playlist.parsed.firstVariantUri, playlist.url);
    playlist = await loadPlaylist(variantUrl, ctx);
    if (playlist.parsed.type === "master") throw unsupported("first variant is itself a master playlist");
  }
  const media = playlist.parsed;
  if (!media.ended) return { kind: "LIVE" };
  if (media.segmentCount === 0 || media.totalSeconds <= 0) throw unsupported("VOD playlist has no segments");
  // Summing many decimal EXTINF values accumulates float noise; microseconds are plenty.
  return { kind: "REGULAR", durationSeconds: Math.round(media.totalSeconds * 1e6) / 1e6 };
}

async function loadPlaylist(url: URL, ctx: ProbeContext, prefetched?: ProbeResponse) {
  // A prefetched 206 holds only the sniffed prefix, so it is fetched again whole.
  const response =
    prefetched?.status === 200 ? prefetched : await fetchForProbe(ctx, url, { maxBytes: MAX_HLS_PLAYLIST_BYTES });
  if (response.truncated) throw unsupported(`playlist is larger than ${MAX_HLS_PLAYLIST_BYTES} bytes`);
  // Relative URIs resolve against the final, post-redirect URL.
  return { url: response.url, parsed: parseHlsPlaylist(decodeManifest(response.body, "playlist")) };
}

function resolveUri(uri: string, base: URL): URL {
  try {
    return new URL(uri, base);
  } catch {
    throw unsupported("variant URI is not a valid URL");
  }
}
