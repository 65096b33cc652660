// The committed fixtures under test/fixtures/media and the durations ffprobe reported when they were
// generated (see the README there); one table so tests and the README cannot drift apart silently.

export const FIXTURE_DURATION_TOLERANCE_SECONDS = 0.05;

export const fixtures = {
  mp4MoovAtStart: { path: "/moov-start.mp4", durationSeconds: 2.5 },
  mp4MoovAtEnd: { path: "/moov-end.mp4", durationSeconds: 2.5 },
  hlsMaster: { path: "/hls-vod/master.m3u8", durationSeconds: 2.5 },
  hlsVariant: { path: "/hls-vod/low/index.m3u8", durationSeconds: 2.5 },
  dashVod: { path: "/dash-vod/manifest.mpd", durationSeconds: 2.5 },
  hlsLive: { path: "/hls-live/index.m3u8" },
  dashLive: { path: "/dash-live/manifest.mpd" },
  /** The first 1200 bytes of moov-end.mp4: cut inside mdat, so no moov. */
  mp4Truncated: { path: "/truncated.mp4" },
} as const;

/** The duration of a REGULAR result; throws (failing the test) with the actual result otherwise. */
export function regularDuration(result: unknown): number {
  const value = (result as { kind?: string; durationSeconds?: number }) ?? {};
  if (value.kind !== "REGULAR" || typeof value.durationSeconds !== "number") {
    throw new Error(`expected a REGULAR duration, got ${JSON.stringify(result)}`);
  }
  return value.durationSeconds;
}
