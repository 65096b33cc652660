// The player-ready view of a direct-URL item (spec 07 §1, §5, §12.1 step 4). P1 emits the `direct` mode
// only; entries that expose a secret (credential headers, URL userinfo, signed queries, expiring URLs)
// are left out where the effective mode would be proxy-only, and the view says a proxy is required.
import type { DirectUrlMedia, DirectUrlSource } from "../playlists/direct-url/direct-url-source.js";
import type { PlaybackKind } from "./timeline/index.js";

export interface DirectPlaybackInfo {
  medias: DirectUrlMedia[];
  defaultMediaIndex: number;
  subtitles: DirectUrlSource["subtitles"];
  defaultSubtitleIndex?: number;
  danmakus: DirectUrlSource["danmakus"];
}

export interface PlaybackResolution {
  mediaId: number;
  name: string;
  provider: "direct_url";
  providerInstanceName: string | null;
  playbackInfos: { direct: DirectPlaybackInfo };
  defaultMode: "direct";
  playbackKind: PlaybackKind;
  durationSeconds?: number;
  /** Earliest URL expiry of the emitted medias (ms). */
  expiresAt?: number;
  /** The effective mode is proxy-only, which P1 cannot serve (07 §5). */
  requiresProxy: boolean;
}

const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-emby-token",
  "x-plex-token",
]);
const SIGNED_QUERY_KEYS = new Set([
  "token",
  "access_token",
  "auth",
  "authorization",
  "signature",
  "sig",
  "policy",
  "api_key",
  "apikey",
  "key-pair-id",
]);
const SIGNED_QUERY_PREFIXES = ["x-amz-", "x-goog-", "x-oss-"];

interface Entry {
  url: string;
  headers: Record<string, string>;
  expiresAt?: number;
}

/** A public entry needs nothing secret to fetch (07 §5 AUTO rule). */
export function isPublicEntry(entry: Entry): boolean {
  if (entry.expiresAt !== undefined) return false;
  if (Object.keys(entry.headers).some((name) => CREDENTIAL_HEADERS.has(name.toLowerCase()))) return false;
  let url: URL;
  try {
    url = new URL(entry.url);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  for (const key of url.searchParams.keys()) {
    const k = key.toLowerCase();
    if (SIGNED_QUERY_KEYS.has(k) || SIGNED_QUERY_PREFIXES.some((p) => k.startsWith(p))) return false;
  }
  return true;
}

export function resolveDirectPlayback(
  item: {
    id: number;
    name: string;
    providerInstanceName: string | null;
    config: DirectUrlSource;
    playbackKind: PlaybackKind;
  },
  knownDurationSeconds: number | null,
): PlaybackResolution {
  const config = item.config;
  const mode = config.proxyMode;
  // AUTO keeps only public entries in `direct`; ONLY keeps none; the other modes allow direct access.
  const keep = (e: Entry) => (mode === "only" ? false : mode === "auto" ? isPublicEntry(e) : true);
  const defaultMedia = config.medias[config.defaultMediaIndex] ?? config.medias[0];
  const medias = config.medias.filter(keep);
  const subtitles = config.subtitles.filter(keep);
  const danmakus = config.danmakus.filter(keep);
  const defaultIndex = defaultMedia ? medias.indexOf(defaultMedia) : -1;
  const defaultSubtitle =
    config.defaultSubtitleIndex === undefined ? undefined : config.subtitles[config.defaultSubtitleIndex];
  const subtitleIndex = defaultSubtitle ? subtitles.indexOf(defaultSubtitle) : -1;
  const expiries = medias.map((m) => m.expiresAt).filter((e): e is number => e !== undefined);
  const duration = item.playbackKind === "LIVE" ? undefined : (knownDurationSeconds ?? config.durationSeconds);
  return {
    mediaId: item.id,
    name: item.name,
    provider: "direct_url",
    providerInstanceName: item.providerInstanceName,
    playbackInfos: {
      direct: {
        medias,
        defaultMediaIndex: Math.max(0, defaultIndex),
        subtitles,
        ...(subtitleIndex >= 0 ? { defaultSubtitleIndex: subtitleIndex } : {}),
        danmakus,
      },
    },
    defaultMode: "direct",
    playbackKind: item.playbackKind,
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    ...(expiries.length > 0 ? { expiresAt: Math.min(...expiries) } : {}),
    requiresProxy: defaultMedia === undefined || defaultIndex < 0,
  };
}
