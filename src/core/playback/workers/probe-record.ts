// How a probe outcome is stored (07 §14.1, 06 §4.4): AVAILABLE with the duration, FAILED to retry in
// 10 min (transient), UNAVAILABLE to retry in 6 h (unsupported, gone, live). Pure.

import { PlaybackKind, SourceMetadataOrigin, SourceMetadataStatus } from "../../../infra/db/schema/index.js";
import type { DurationProbeResult } from "../../../media/probe/index.js";
import type { ProbeRecord } from "./duration-probe-queue.js";

export const FAILED_RETRY_MS = 10 * 60_000;
export const UNAVAILABLE_RETRY_MS = 6 * 60 * 60_000;
/** Stored errors are for operators; upstream messages can be long. */
const MAX_ERROR_LENGTH = 1000;

export function availableRecord(durationSeconds: number, origin: SourceMetadataOrigin): ProbeRecord {
  return {
    status: SourceMetadataStatus.available,
    playbackKind: PlaybackKind.regular,
    durationSeconds,
    origin,
    error: null,
    nextRetryAt: null,
  };
}

/** `liveBy`: who said the source is live (the stored config or the probe); null when it is not known live. */
export function unavailableRecord(
  reason: string,
  now: number,
  liveBy: SourceMetadataOrigin | null = null,
): ProbeRecord {
  return {
    status: SourceMetadataStatus.unavailable,
    // Record LIVE so readers know why there is no duration; otherwise the kind stays unknown.
    playbackKind: liveBy === null ? PlaybackKind.unknown : PlaybackKind.live,
    durationSeconds: null,
    origin: liveBy,
    error: reason.slice(0, MAX_ERROR_LENGTH),
    nextRetryAt: new Date(now + UNAVAILABLE_RETRY_MS),
  };
}

export function failedRecord(reason: string, now: number): ProbeRecord {
  return {
    status: SourceMetadataStatus.failed,
    playbackKind: PlaybackKind.unknown,
    durationSeconds: null,
    origin: null,
    error: reason.slice(0, MAX_ERROR_LENGTH),
    nextRetryAt: new Date(now + FAILED_RETRY_MS),
  };
}

export function recordForProbeResult(result: DurationProbeResult, now: number): ProbeRecord {
  if ("error" in result) {
    return result.error === "transient" ? failedRecord(result.message, now) : unavailableRecord(result.message, now);
  }
  if (result.kind === "LIVE") return unavailableRecord("probe found a live stream", now, SourceMetadataOrigin.probe);
  return availableRecord(result.durationSeconds, SourceMetadataOrigin.probe);
}
