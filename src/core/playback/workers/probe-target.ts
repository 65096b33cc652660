// What the probe worker does with one claimed source (07 §14.1): take a duration the provider already
// knows, probe the default media's URL, or give up (source gone, live, no URL). Pure: no I/O here.

import { SourceProvider } from "../../../infra/db/schema/index.js";
import { parseDirectUrlSource } from "../../playlists/direct-url/direct-url-source.js";

/** The columns of the media row the decision needs; null when the row is gone. */
export interface ClaimedMedia {
  sourceProvider: number;
  sourceConfig: unknown;
  deletedAt: Date | null;
}

export type ProbeTarget =
  | { kind: "known"; durationSeconds: number }
  | { kind: "probe"; url: string; headers: Readonly<Record<string, string>>; format: string }
  | { kind: "unavailable"; live: boolean; reason: string };

export function probeTargetOf(row: ClaimedMedia | null): ProbeTarget {
  if (row === null || row.deletedAt !== null) return { kind: "unavailable", live: false, reason: "source is gone" };
  // Dynamic playlists and other providers re-resolve through their provider, which arrives in P2.
  if (row.sourceProvider !== SourceProvider.directUrl) {
    return { kind: "unavailable", live: false, reason: "provider has no duration probe yet" };
  }
  let config: ReturnType<typeof parseDirectUrlSource>;
  try {
    config = parseDirectUrlSource(row.sourceConfig);
  } catch {
    return { kind: "unavailable", live: false, reason: "stored source config does not parse" };
  }
  if (config.playbackKind === "live") return { kind: "unavailable", live: true, reason: "live source" };
  if (config.durationSeconds !== undefined) return { kind: "known", durationSeconds: config.durationSeconds };
  const chosen = config.medias[config.defaultMediaIndex];
  if (chosen === undefined || !isHttpUrl(chosen.url)) {
    return { kind: "unavailable", live: false, reason: "no http(s) media URL" };
  }
  return { kind: "probe", url: chosen.url, headers: chosen.headers, format: chosen.format };
}

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
