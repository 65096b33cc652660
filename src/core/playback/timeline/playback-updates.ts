// The PLAY / PAUSE / SEEK / SPEED transitions of 03 §3.2 over a TimelineState. The one function every
// transport, the CLI and the auto-advance worker share; the repository persists its result.

import { AppCode, failedPrecondition } from "../../errors.js";
import { positionAt, type TimelineState, type TransitionTime } from "./timeline-state.js";
import { assertValidUpdate, type PlaybackUpdate } from "./update-validation.js";

/** A client time further than this from server time is not trusted for latency compensation (03 §3.2). */
export const CLIENT_TIME_WINDOW_MS = 30_000;

/**
 * Applies one update and returns the next timeline. `version` and `generation` are carried over unchanged:
 * the repository bumps `version` in its compare-and-set (`SET version = version + 1 WHERE version = $seen`),
 * and updates never change the source.
 *
 * Checks run arguments first (INVALID_ARGUMENT), then state: no source → 3105, a position on LIVE → 3106.
 *
 * Anchoring: whatever starts or moves playback (PLAY from paused, SEEK while playing, SPEED that resumes)
 * is scheduled at `now + lead`; PAUSE and SPEED pivot at the present so the position never jumps, and a
 * SPEED before a pending scheduled start keeps that start. A PLAY while already playing without a position
 * changes nothing — re-anchoring it would stall the room for `lead` ms and could cancel a scheduled start.
 */
export function applyUpdate(state: TimelineState, update: PlaybackUpdate, time: TransitionTime): TimelineState {
  assertValidUpdate(update);
  if (state.source.kind === "none") {
    throw failedPrecondition("Nothing is playing in this room", { code: AppCode.NO_PLAYBACK_SOURCE });
  }
  if (update.position !== undefined && state.playbackKind === "LIVE") {
    throw failedPrecondition("A live source cannot seek", { code: AppCode.LIVE_NOT_SEEKABLE });
  }

  const { nowMs, leadMs } = time;
  const here = positionAt(state, nowMs);
  switch (update.type) {
    case "PLAY": {
      if (update.position === undefined && state.playing) return { ...state };
      const position = update.position === undefined ? here : compensated(update.position, update, state.speed, nowMs);
      return { ...state, position, anchorAt: nowMs + leadMs, playing: true };
    }
    case "PAUSE":
      // A paused position is never compensated: nothing moved while the request travelled.
      return { ...state, position: update.position ?? here, anchorAt: nowMs, playing: false };
    case "SEEK": {
      const playing = update.playing ?? state.playing;
      const target = update.position as number; // required for SEEK by assertValidUpdate
      return playing
        ? { ...state, position: compensated(target, update, state.speed, nowMs), anchorAt: nowMs + leadMs, playing }
        : { ...state, position: target, anchorAt: nowMs, playing };
    }
    case "SPEED": {
      const speed = update.speed as number; // required for SPEED by assertValidUpdate
      const playing = update.playing ?? state.playing;
      if (!playing) return { ...state, speed, position: here, anchorAt: nowMs, playing };
      if (!state.playing) return { ...state, speed, position: here, anchorAt: nowMs + leadMs, playing };
      // Pivot at now, or at a still-pending scheduled start so that start is kept.
      const pivot = Math.max(nowMs, state.anchorAt);
      return { ...state, speed, position: positionAt(state, pivot), anchorAt: pivot };
    }
  }
}

/**
 * A position the client set while the room plays, advanced by the request's one-way delay so the room does
 * not jump back by it. Only a client time within ±30 s is trusted; a client clock ahead of the server
 * (negative delay) never moves the position back.
 */
function compensated(position: number, update: PlaybackUpdate, speed: number, nowMs: number): number {
  if (update.clientTimeMs === undefined) return position;
  const delayMs = nowMs - update.clientTimeMs;
  if (Math.abs(delayMs) > CLIENT_TIME_WINDOW_MS) return position;
  return position + (Math.max(0, delayMs) / 1000) * speed;
}
