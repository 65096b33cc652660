// DASH duration (spec 07 §14.1): the root MPD's mediaPresentationDuration (ISO-8601), or the sum of
// Period@duration when it is absent; type="dynamic" is live. A tiny attribute reader, not an XML parser.
import type { ProbeResponse } from "./http-probe-client.js";
import { decodeManifest, fetchForProbe, type ProbeContext } from "./probe-context.js";
import { type DurationProbeResult, unsupported } from "./probe-result.js";

export const MAX_DASH_MANIFEST_BYTES = 2 * 1024 * 1024;

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

/**
 * Seconds in an xs:duration such as `PT1M3.5S` or `P0DT1H`; undefined when malformed, negative, or
 * using non-zero years or months (their length in seconds is ambiguous).
 */
export function parseIsoDuration(value: string): number | undefined {
  const text = value.trim();
  const match = ISO_DURATION.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) =>
    part === undefined ? 0 : Number(part),
  );
  if (years || months) return undefined;
  return (weeks ?? 0) * 604_800 + (days ?? 0) * 86_400 + (hours ?? 0) * 3_600 + (minutes ?? 0) * 60 + (seconds ?? 0);
}

export type DashManifest = { live: true } | { live: false; durationSeconds: number };

/** Reads the root MPD element; throws an unsupported ProbeFailure when no duration can be found. */
export function parseDashManifest(text: string): DashManifest {
  const mpd = startTags(text, "MPD")[0];
  if (!mpd) throw unsupported("document has no MPD element");
  if (mpd.type === "dynamic") return { live: true };

  const declared = mpd.mediaPresentationDuration;
  if (declared !== undefined) {
    const seconds = parseIsoDuration(declared);
    if (seconds === undefined || seconds <= 0) throw unsupported("invalid MPD@mediaPresentationDuration");
    return { live: false, durationSeconds: seconds };
  }
  const periods = startTags(text, "Period").map((period) => parseIsoDuration(period.duration ?? ""));
  if (periods.length === 0 || periods.some((seconds) => seconds === undefined)) {
    throw unsupported("MPD has neither mediaPresentationDuration nor a duration on every Period");
  }
  const total = periods.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0);
  if (total <= 0) throw unsupported("MPD periods have no duration");
  return { live: false, durationSeconds: total };
}

export async function probeDashDuration(
  url: URL,
  ctx: ProbeContext,
  prefetched?: ProbeResponse,
): Promise<DurationProbeResult> {
  // A prefetched 206 holds only the sniffed prefix, so it is fetched again whole.
  const response =
    prefetched?.status === 200 ? prefetched : await fetchForProbe(ctx, url, { maxBytes: MAX_DASH_MANIFEST_BYTES });
  if (response.truncated) throw unsupported(`MPD is larger than ${MAX_DASH_MANIFEST_BYTES} bytes`);
  const manifest = parseDashManifest(decodeManifest(response.body, "MPD"));
  return manifest.live ? { kind: "LIVE" } : { kind: "REGULAR", durationSeconds: manifest.durationSeconds };
}

/** Attributes of every `<name …>` or `<prefix:name …>` start tag, in document order (comments skipped). */
function startTags(text: string, name: string): Record<string, string>[] {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, "");
  const tag = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, "g");
  const tags: Record<string, string>[] = [];
  for (const match of withoutComments.matchAll(tag)) {
    const attributes: Record<string, string> = {};
    for (const attribute of (match[1] ?? "").matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const key = attribute[1]!.replace(/^[\w.-]+:/, "");
      attributes[key] ??= attribute[2] ?? attribute[3] ?? "";
    }
    tags.push(attributes);
  }
  return tags;
}
