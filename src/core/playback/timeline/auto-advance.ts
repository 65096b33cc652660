// When the auto-advance worker should move a room on (03 §3.5, 07 §14.2): a regular source playing within
// the last second of its known duration. Whether auto-play is on is the caller's setting to check.

import { positionAt, type TimelineState } from "./timeline-state.js";

/** Seconds before the end at which an item counts as finished. */
export const AUTO_ADVANCE_MARGIN_SECONDS = 1;

export function autoAdvanceDue(state: TimelineState, durationSeconds: number, nowMs: number): boolean {
  if (state.source.kind === "none" || state.playbackKind !== "REGULAR" || !state.playing) return false;
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) return false;
  // A start still scheduled in the future has not begun, even for an item shorter than the margin.
  if (nowMs < state.anchorAt) return false;
  return positionAt(state, nowMs) >= durationSeconds - AUTO_ADVANCE_MARGIN_SECONDS;
}
