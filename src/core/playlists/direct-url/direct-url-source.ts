// The stored shape of a `direct_url` source config (spec 07 §1, §12.1): camelCase JSON in
// `media.source_config`, parsed with this schema on every write and read.
import { z } from "zod";

export const MEDIA_FORMATS = ["mp4", "mkv", "webm", "hls", "dash", "flv", "video"] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

export const SUBTITLE_FORMATS = ["srt", "vtt", "ass", "ssa"] as const;
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

export const PROXY_MODES = ["auto", "prefer", "only", "direct_prefer", "direct_only"] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

/** "unknown": neither given nor detectable; the duration probe decides (07 §12.1 step 3). */
export const PLAYBACK_KINDS = ["unknown", "regular", "live"] as const;
export type PlaybackKindName = (typeof PLAYBACK_KINDS)[number];

const headers = z.record(z.string(), z.string());

const directUrlMedia = z.object({
  name: z.string(),
  url: z.string(),
  headers,
  format: z.enum(MEDIA_FORMATS),
  expiresAt: z.number().int().positive().optional(),
});

const directUrlSubtitle = z.object({
  name: z.string(),
  language: z.string(),
  url: z.string(),
  headers,
  format: z.enum(SUBTITLE_FORMATS),
});

const directUrlDanmaku = z.object({
  name: z.string(),
  url: z.string(),
  headers,
  format: z.string(),
});

/** The validated, normalised source; `provider` tags the JSON so a row reads on its own. */
export const directUrlSourceSchema = z.object({
  provider: z.literal("direct_url"),
  medias: z.array(directUrlMedia).min(1),
  defaultMediaIndex: z.number().int().nonnegative(),
  subtitles: z.array(directUrlSubtitle),
  defaultSubtitleIndex: z.number().int().nonnegative().optional(),
  danmakus: z.array(directUrlDanmaku),
  playbackKind: z.enum(PLAYBACK_KINDS),
  durationSeconds: z.number().positive().finite().optional(),
  proxyMode: z.enum(PROXY_MODES),
});

export type DirectUrlSource = z.infer<typeof directUrlSourceSchema>;
export type DirectUrlMedia = z.infer<typeof directUrlMedia>;
export type DirectUrlSubtitle = z.infer<typeof directUrlSubtitle>;
export type DirectUrlDanmaku = z.infer<typeof directUrlDanmaku>;

/** Reads a stored config; a row that no longer parses is a server bug, so it throws. */
export function parseDirectUrlSource(json: unknown): DirectUrlSource {
  return directUrlSourceSchema.parse(json);
}
