// Turns a client's direct-URL source into the stored, normalised DirectUrlSource (spec 07 §12.1):
// URL checks (http/https, SSRF policy), header rules, formats, default indexes and the playback
// kind. Offline and deterministic: nothing here touches the network.
import { type FieldViolation, invalidArgument } from "../../errors.js";
import type {
  DirectUrlDanmaku,
  DirectUrlMedia,
  DirectUrlSource,
  DirectUrlSubtitle,
  MediaFormat,
  PlaybackKindName,
  ProxyMode,
  SubtitleFormat,
} from "./direct-url-source.js";
import { detectMediaFormat, detectSubtitleFormat, isFileContainer } from "./format-detection.js";
import { normalizeHeaders } from "./header-rules.js";
import { checkSsrfTarget, type SsrfPolicy } from "./ssrf-target-check.js";

export const MAX_URL_LENGTH = 8192;
const MAX_ENTRY_NAME = 500;

/** What a client sends; unset formats and kind are detected. */
export interface DirectUrlSourceInput {
  medias: {
    name: string;
    url: string;
    headers: Readonly<Record<string, string>>;
    format?: MediaFormat;
    expiresAt?: number;
  }[];
  defaultMediaIndex?: number;
  subtitles?: {
    name: string;
    language: string;
    url: string;
    headers: Readonly<Record<string, string>>;
    format?: SubtitleFormat;
  }[];
  defaultSubtitleIndex?: number;
  danmakus?: { name: string; url: string; headers: Readonly<Record<string, string>>; format: string }[];
  playbackKind?: Exclude<PlaybackKindName, "unknown">;
  durationSeconds?: number;
  proxyMode?: ProxyMode;
}

/** Validates and normalises; every problem is reported at once as INVALID_ARGUMENT field violations. */
export function normalizeDirectUrlSource(input: DirectUrlSourceInput, ssrf: SsrfPolicy): DirectUrlSource {
  const violations: FieldViolation[] = [];
  if (input.medias.length === 0) {
    violations.push({ field: "medias", rule: "min_items", description: "at least one media URL" });
  }
  const medias = input.medias.map((m, i): DirectUrlMedia => {
    const field = `medias[${i}]`;
    const url = parseUrl(m.url, `${field}.url`, ssrf, violations);
    const entry: DirectUrlMedia = {
      name: entryName(m.name, url),
      url: url?.href ?? m.url,
      headers: normalizeHeaders(m.headers, `${field}.headers`, violations),
      format: url ? detectMediaFormat(url, m.format) : (m.format ?? "video"),
    };
    if (m.expiresAt !== undefined) entry.expiresAt = m.expiresAt;
    return entry;
  });
  const subtitles = (input.subtitles ?? []).map((s, i): DirectUrlSubtitle => {
    const field = `subtitles[${i}]`;
    const url = parseUrl(s.url, `${field}.url`, ssrf, violations);
    const format = url ? detectSubtitleFormat(url, s.format) : (s.format ?? null);
    if (url && format === null) {
      violations.push({ field: `${field}.format`, rule: "format", description: "subtitle format cannot be detected" });
    }
    return {
      name: entryName(s.name, url),
      language: s.language,
      url: url?.href ?? s.url,
      headers: normalizeHeaders(s.headers, `${field}.headers`, violations),
      format: format ?? "vtt",
    };
  });
  const danmakus = (input.danmakus ?? []).map((d, i): DirectUrlDanmaku => {
    const field = `danmakus[${i}]`;
    const url = parseUrl(d.url, `${field}.url`, ssrf, violations);
    return {
      name: entryName(d.name, url),
      url: url?.href ?? d.url,
      headers: normalizeHeaders(d.headers, `${field}.headers`, violations),
      format: d.format.toLowerCase(),
    };
  });
  const defaultMediaIndex = input.defaultMediaIndex ?? 0;
  if (medias.length > 0 && (defaultMediaIndex < 0 || defaultMediaIndex >= medias.length)) {
    violations.push({ field: "default_media_index", rule: "index", description: "must point at a media entry" });
  }
  const subtitleIndex = input.defaultSubtitleIndex;
  if (subtitleIndex !== undefined && (subtitleIndex < 0 || subtitleIndex >= subtitles.length)) {
    violations.push({ field: "default_subtitle_index", rule: "index", description: "must point at a subtitle entry" });
  }
  const duration = input.durationSeconds;
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) {
    violations.push({ field: "duration_seconds", rule: "positive", description: "must be a positive number" });
  }
  if (input.playbackKind === "live" && duration !== undefined) {
    violations.push({ field: "duration_seconds", rule: "live", description: "a LIVE source has no duration" });
  }
  if (violations.length > 0) throw invalidArgument("Invalid direct URL source", { fieldViolations: violations });

  const source: DirectUrlSource = {
    provider: "direct_url",
    medias,
    defaultMediaIndex,
    subtitles,
    danmakus,
    playbackKind: detectKind(input, medias[defaultMediaIndex]?.url),
    proxyMode: input.proxyMode ?? "auto",
  };
  if (subtitleIndex !== undefined) source.defaultSubtitleIndex = subtitleIndex;
  if (duration !== undefined) source.durationSeconds = duration;
  return source;
}

/** Explicit kind, else REGULAR for a known duration or a file container; HLS/DASH stay unknown for the probe. */
function detectKind(input: DirectUrlSourceInput, defaultUrl: string | undefined): PlaybackKindName {
  if (input.playbackKind) return input.playbackKind;
  if (input.durationSeconds !== undefined) return "regular";
  if (defaultUrl && isFileContainer(new URL(defaultUrl))) return "regular";
  return "unknown";
}

function parseUrl(raw: string, field: string, ssrf: SsrfPolicy, violations: FieldViolation[]): URL | null {
  if (raw.length > MAX_URL_LENGTH) {
    violations.push({ field, rule: "max_len", description: "URL too long" });
    return null;
  }
  let url: URL;
  try {
    // WHATWG parsing also normalises: percent-encodes non-ASCII paths and punycodes host names.
    url = new URL(raw.trim());
  } catch {
    violations.push({ field, rule: "uri", description: "not a valid URL" });
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    violations.push({ field, rule: "scheme", description: "only http and https URLs" });
    return null;
  }
  if (url.hostname === "") {
    violations.push({ field, rule: "host", description: "URL has no host" });
    return null;
  }
  const verdict = checkSsrfTarget(url, ssrf);
  if (!verdict.allowed) {
    violations.push({ field, rule: "ssrf", description: `target refused: ${verdict.reason}` });
    return null;
  }
  return url;
}

/** The given name, else the file name of the URL (decoded), else the host. */
function entryName(name: string, url: URL | null): string {
  const trimmed = name.trim();
  if (trimmed !== "" || url === null) return trimmed.slice(0, MAX_ENTRY_NAME);
  const segment = url.pathname.split("/").filter(Boolean).pop() ?? "";
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Keep the raw segment when it is not valid percent-encoding.
  }
  return (decoded || url.hostname).slice(0, MAX_ENTRY_NAME);
}
