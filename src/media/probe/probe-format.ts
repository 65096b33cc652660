// Which duration parser a media URL needs: the provider's format hint, else the URL's extension, else the
// first bytes, else the Content-Type (least trusted: upstreams often mislabel media).

export type ProbeFormat = "mp4" | "hls" | "dash";
/** A PlaybackMedia format (spec 07 §1); `video` means "some video file", so it is sniffed. */
export type MediaFormatHint = "mp4" | "mkv" | "webm" | "hls" | "dash" | "flv" | "video";

/** What a hint or extension says: a probe format, "unprobeable" (no parser), or undefined (look further). */
export type FormatVerdict = ProbeFormat | "unprobeable" | undefined;

const UNPROBEABLE = new Set(["mkv", "webm", "flv", "avi", "ts", "wmv"]);
const MP4_EXTENSIONS = new Set(["mp4", "m4v", "m4a", "mov", "3gp"]);
// Top-level box types that start real-world MP4/MOV files.
const LEADING_BOX_TYPES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pdin", "uuid", "styp", "sidx"]);

export function formatFromHint(hint: string | undefined): FormatVerdict {
  const value = hint?.toLowerCase();
  if (value === "mp4" || value === "hls" || value === "dash") return value;
  if (value === "m3u8") return "hls";
  if (value === "mpd") return "dash";
  return value !== undefined && UNPROBEABLE.has(value) ? "unprobeable" : undefined;
}

export function formatFromUrl(url: URL): FormatVerdict {
  const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
  if (extension === undefined) return undefined;
  if (extension === "m3u8" || extension === "m3u") return "hls";
  if (extension === "mpd") return "dash";
  if (MP4_EXTENSIONS.has(extension)) return "mp4";
  return UNPROBEABLE.has(extension) ? "unprobeable" : undefined;
}

export function formatFromBytes(bytes: Uint8Array): ProbeFormat | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512)).replace(/^(\uFEFF|ï»¿)/, "");
  if (head.trimStart().startsWith("#EXTM3U")) return "hls";
  if (/<(?:[A-Za-z_][\w.-]*:)?MPD[\s>]/.test(head)) return "dash";
  if (bytes.byteLength >= 8 && LEADING_BOX_TYPES.has(new TextDecoder("latin1").decode(bytes.subarray(4, 8)))) {
    return "mp4";
  }
  return undefined;
}

export function formatFromContentType(contentType: string | null): ProbeFormat | undefined {
  const type = contentType?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (type.includes("mpegurl")) return "hls";
  if (type === "application/dash+xml") return "dash";
  if (type === "video/mp4" || type === "audio/mp4" || type === "video/quicktime" || type === "video/x-m4v") {
    return "mp4";
  }
  return undefined;
}

/** True when the bytes look like the start of an XML document whose root is not yet visible. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  return new TextDecoder("latin1").decode(bytes.subarray(0, 64)).trimStart().startsWith("<");
}
