// The room's playback timeline as values (spec 03 §3.1): what plays, where it was at the anchor and how fast
// it moves. Everything here is pure; the current time is always a parameter.

export type PlaybackKind = "REGULAR" | "LIVE";

export type PlaybackSource =
  | { kind: "none" }
  | { kind: "static"; mediaId: number; playlistId: number | null }
  | { kind: "dynamic"; playlistId: number; target: unknown; targetHash: string };

export interface TimelineState {
  source: PlaybackSource;
  playbackKind: PlaybackKind;
  /** Seconds; true at `anchorAt`. */
  position: number;
  /** Server time in ms at which `position` was (or, for a scheduled start, will be) true. */
  anchorAt: number;
  /** 0.25–4.0. */
  speed: number;
  playing: boolean;
  /** Bumped by every write — in SQL, never by this module. */
  version: number;
  /** Bumped by every source change. */
  generation: number;
}

/** The moment a transition happens and how far ahead a start is scheduled (03 §3.3, `schedulingLeadMs`). */
export interface TransitionTime {
  nowMs: number;
  leadMs: number;
}

/** Largest position a client may set, in seconds (spec 02 §3.5). */
export const MAX_POSITION_SECONDS = 86_400;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

/**
 * The position at server time `nowMs` (03 §3.1). An anchor in the future (scheduled start, §3.3) holds the
 * position until it passes, so every client starts from the same frame at the same instant.
 */
export function positionAt(state: Pick<TimelineState, "position" | "anchorAt" | "speed" | "playing">, nowMs: number) {
  if (!state.playing) return state.position;
  return state.position + (Math.max(0, nowMs - state.anchorAt) / 1000) * state.speed;
}
