// The duration probe entry point (spec 07 §14.1): picks the format, runs the HLS, DASH or MP4 reader under
// one time budget, and always answers with a result — bad input and failing upstreams never throw.
import { probeDashDuration } from "./dash-duration.js";
import { probeHlsDuration } from "./hls-duration.js";
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeFetcher, type ProbeResponse } from "./http-probe-client.js";
import { BOX_HEADER_READ_BYTES, probeMp4Duration, RANGE_IGNORED_SCAN_BYTES } from "./mp4-duration.js";
import { fetchForProbe, type ProbeContext } from "./probe-context.js";
import {
  formatFromBytes,
  formatFromContentType,
  formatFromHint,
  formatFromUrl,
  looksLikeXml,
  type MediaFormatHint,
  type ProbeFormat,
} from "./probe-format.js";
import { type DurationProbeResult, ProbeFailure, unsupported } from "./probe-result.js";

export interface ProbeDurationOptions {
  /** HTTP access, built once with the SSRF `checkTarget` hook (`createHttpProbeClient`). */
  fetcher: ProbeFetcher;
  /** The provider-chosen headers of the media. */
  headers?: Readonly<Record<string, string>>;
  /** The media's format; absent or `video` → sniffed from the URL, the first bytes, then Content-Type. */
  format?: MediaFormatHint | (string & {});
  /** Budget for the whole probe, all hops included; defaults to 20 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Clock (epoch ms) for the budget between hops; defaults to Date.now. */
  now?: () => number;
}

export async function probeDuration(url: string | URL, options: ProbeDurationOptions): Promise<DurationProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const target = parseTarget(url);
    const ctx: ProbeContext = {
      fetcher: options.fetcher,
      origin: target,
      headers: options.headers ?? {},
      signal,
      deadlinePassed: () => now() >= deadline,
    };
    return await probeTarget(target, ctx, options.format);
  } catch (error) {
    if (error instanceof ProbeFailure) return { error: error.kind, message: error.message };
    if (signal.aborted) return { error: "transient", message: "probe timed out or was cancelled" };
    return { error: "unsupported", message: `probe failed unexpectedly: ${(error as Error)?.name ?? "error"}` };
  }
}

function parseTarget(url: string | URL): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw unsupported("media URL is not a valid URL");
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw unsupported(`media URL scheme ${target.protocol} cannot be probed`);
  }
  return target;
}

async function probeTarget(url: URL, ctx: ProbeContext, hint: string | undefined): Promise<DurationProbeResult> {
  const declared = formatFromHint(hint) ?? formatFromUrl(url);
  if (declared === "unprobeable") throw unsupported("no duration reader for this media format");
  if (declared) return probeAs(declared, url, ctx);

  // One request serves both sniffing and the first MP4 hop: 16 bytes if Range works, else ≤ 2 MiB of body.
  const first = await fetchForProbe(ctx, url, {
    range: { start: 0, end: BOX_HEADER_READ_BYTES - 1 },
    maxBytes: RANGE_IGNORED_SCAN_BYTES,
  });
  const sniffed =
    formatFromBytes(first.body) ??
    formatFromContentType(first.headers.get("content-type")) ??
    (looksLikeXml(first.body) ? "dash" : undefined);
  if (!sniffed) throw unsupported("unrecognised media format");
  return probeAs(sniffed, url, ctx, first);
}

function probeAs(
  format: ProbeFormat,
  url: URL,
  ctx: ProbeContext,
  prefetched?: ProbeResponse,
): Promise<DurationProbeResult> {
  switch (format) {
    case "hls":
      return probeHlsDuration(url, ctx, prefetched);
    case "dash":
      return probeDashDuration(url, ctx, prefetched);
    case "mp4":
      return probeMp4Duration(url, ctx, prefetched);
  }
}
