// Starting and stopping sources (03 §3.4): a new source starts playing at 0 (history entries at their saved
// position), scheduled at now + lead; every change, stop included, bumps the generation.

import { invalidArgument } from "../../errors.js";
import {
  MAX_POSITION_SECONDS,
  type PlaybackKind,
  type PlaybackSource,
  type TimelineState,
  type TransitionTime,
} from "./timeline-state.js";

export interface SourceStart extends TransitionTime {
  /** Saved progress to resume from (PlayHistoryEntry). Ignored for LIVE; clamped to 0–86 400 s. */
  resumeAt?: number;
}

/**
 * The timeline after switching `current` to `source`. A fresh source plays at speed 1: the previous item's
 * speed was chosen for that item. `version` is carried over (SQL bumps it); `generation` + 1.
 */
export function startSource(
  current: TimelineState,
  source: PlaybackSource,
  playbackKind: PlaybackKind,
  time: SourceStart,
): TimelineState {
  if (source.kind === "none") throw invalidArgument("A source change needs a source; stop playback instead");
  return {
    source,
    playbackKind,
    position: playbackKind === "LIVE" ? 0 : resumePosition(time.resumeAt),
    anchorAt: time.nowMs + time.leadMs,
    speed: 1,
    playing: true,
    version: current.version,
    generation: current.generation + 1,
  };
}

/** The cleared timeline (StopPlayback, deleting the playing item with `force`): nothing, paused at 0. */
export function stopped(state: TimelineState): TimelineState {
  return {
    ...state,
    source: { kind: "none" },
    playbackKind: "REGULAR",
    position: 0,
    playing: false,
    speed: 1,
    generation: state.generation + 1,
  };
}

function resumePosition(resumeAt: number | undefined): number {
  if (resumeAt === undefined || !Number.isFinite(resumeAt)) return 0;
  return Math.min(MAX_POSITION_SECONDS, Math.max(0, resumeAt));
}
