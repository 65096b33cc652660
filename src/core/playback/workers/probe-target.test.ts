import { describe, expect, it } from "vitest";
import { SourceProvider } from "../../../infra/db/schema/index.js";
import { recordForProbeResult } from "./probe-record.js";
import { probeTargetOf } from "./probe-target.js";

const config = (over: Record<string, unknown> = {}, media: Record<string, unknown> = {}) => ({
  provider: "direct_url",
  medias: [{ name: "", url: "https://cdn.example/a.mp4", headers: { referer: "https://x/" }, format: "mp4", ...media }],
  defaultMediaIndex: 0,
  subtitles: [],
  danmakus: [],
  playbackKind: "regular",
  proxyMode: "auto",
  ...over,
});
const row = (sourceConfig: unknown, extra: Partial<{ sourceProvider: number; deletedAt: Date | null }> = {}) => ({
  sourceProvider: SourceProvider.directUrl,
  sourceConfig,
  deletedAt: null,
  ...extra,
});

describe("what the probe worker does with a claimed source", () => {
  it("probes the default media with its headers and format", () => {
    expect(probeTargetOf(row(config()))).toEqual({
      kind: "probe",
      url: "https://cdn.example/a.mp4",
      headers: { referer: "https://x/" },
      format: "mp4",
    });
  });

  it("uses a duration the stored source already has", () => {
    expect(probeTargetOf(row(config({ durationSeconds: 90 })))).toEqual({ kind: "known", durationSeconds: 90 });
  });

  it.each([
    ["a missing row", null, false],
    ["a deleted item", row(config(), { deletedAt: new Date() }), false],
    ["another provider", row(config(), { sourceProvider: SourceProvider.alist }), false],
    ["a config that no longer parses", row({ provider: "direct_url" }), false],
    ["a live source", row(config({ playbackKind: "live" })), true],
    ["a non-http URL", row(config({}, { url: "rtmp://host/live" })), false],
  ])("gives up on %s", (_name, input, live) => {
    expect(probeTargetOf(input)).toMatchObject({ kind: "unavailable", live });
  });
});

describe("how a probe result is stored", () => {
  const now = Date.UTC(2026, 0, 1);
  it("transient → FAILED in 10 min; unsupported and not found → UNAVAILABLE in 6 h", () => {
    expect(recordForProbeResult({ error: "transient", message: "x" }, now)).toMatchObject({
      status: 4,
      nextRetryAt: new Date(now + 600_000),
    });
    for (const error of ["unsupported", "not_found"] as const) {
      expect(recordForProbeResult({ error, message: "x" }, now)).toMatchObject({
        status: 3,
        nextRetryAt: new Date(now + 6 * 3_600_000),
      });
    }
  });

  it("LIVE → UNAVAILABLE with playback kind live; REGULAR → AVAILABLE with no retry", () => {
    expect(recordForProbeResult({ kind: "LIVE" }, now)).toMatchObject({ status: 3, playbackKind: 2 });
    expect(recordForProbeResult({ kind: "REGULAR", durationSeconds: 12.5 }, now)).toEqual({
      status: 2,
      playbackKind: 1,
      durationSeconds: 12.5,
      origin: 2,
      error: null,
      nextRetryAt: null,
    });
  });
});
