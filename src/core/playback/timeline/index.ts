// The playback timeline (spec 03 §3): state, the PLAY/PAUSE/SEEK/SPEED transitions, source changes,
// scheduled start, play modes and auto-advance. Pure: time and randomness are parameters; no I/O.
export { AUTO_ADVANCE_MARGIN_SECONDS, autoAdvanceDue } from "./auto-advance.js";
export { type AdvanceTrigger, nextItem, type PlayDirection, type PlayMode } from "./play-modes.js";
export { applyUpdate, CLIENT_TIME_WINDOW_MS } from "./playback-updates.js";
export { MAX_LEAD_MS, MIN_LEAD_MS, schedulingLeadMs } from "./scheduling-lead.js";
export { type SourceStart, startSource, stopped } from "./source-changes.js";
export {
  MAX_POSITION_SECONDS,
  MAX_SPEED,
  MIN_SPEED,
  type PlaybackKind,
  type PlaybackSource,
  positionAt,
  type TimelineState,
  type TransitionTime,
} from "./timeline-state.js";
export { assertValidUpdate, type PlaybackUpdate, type PlaybackUpdateType } from "./update-validation.js";
