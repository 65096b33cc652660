// Argument checks for UpdatePlaybackState (spec 02 §3.5, 03 §3.2): which fields each type needs or refuses,
// and their ranges. Failures are one INVALID_ARGUMENT naming every bad field (wire names).

import { type FieldViolation, invalidArgument } from "../../errors.js";
import { MAX_POSITION_SECONDS, MAX_SPEED, MIN_SPEED } from "./timeline-state.js";

export type PlaybackUpdateType = "PLAY" | "PAUSE" | "SEEK" | "SPEED";

export interface PlaybackUpdate {
  type: PlaybackUpdateType;
  /** Seconds. Required by SEEK; optional for PLAY and PAUSE ("play/pause here"); refused by SPEED. */
  position?: number;
  /** Required by SPEED, refused by the others (a speed change has its own re-anchoring rule). */
  speed?: number;
  /** Overrides the resulting play state of SEEK and SPEED; PLAY and PAUSE force theirs and ignore it. */
  playing?: boolean;
  /** Client send time in server ms (the client applied its clock offset, 03 §4.1). */
  clientTimeMs?: number;
}

const UPDATE_TYPES: ReadonlySet<string> = new Set<PlaybackUpdateType>(["PLAY", "PAUSE", "SEEK", "SPEED"]);

/** Throws INVALID_ARGUMENT unless the update is well-formed for its type. Needs no state. */
export function assertValidUpdate(update: PlaybackUpdate): void {
  const violations: FieldViolation[] = [];
  const add = (field: string, rule: string, description: string) => violations.push({ field, rule, description });

  if (!UPDATE_TYPES.has(update.type)) add("type", "in", "must be PLAY, PAUSE, SEEK or SPEED");

  if (update.position === undefined) {
    if (update.type === "SEEK") add("position", "required", "SEEK requires a position");
  } else if (update.type === "SPEED") {
    add("position", "not_allowed", "SPEED keeps the position continuous; send SEEK to move it");
  } else if (!isWithin(update.position, 0, MAX_POSITION_SECONDS)) {
    add("position", "range", `must be a finite number of seconds from 0 to ${MAX_POSITION_SECONDS}`);
  }

  if (update.speed === undefined) {
    if (update.type === "SPEED") add("speed", "required", "SPEED requires a speed");
  } else if (update.type !== "SPEED") {
    add("speed", "not_allowed", "only SPEED changes the speed");
  } else if (!isWithin(update.speed, MIN_SPEED, MAX_SPEED)) {
    add("speed", "range", `must be from ${MIN_SPEED} to ${MAX_SPEED}`);
  }

  if (update.clientTimeMs !== undefined && !Number.isFinite(update.clientTimeMs)) {
    add("client_time_ms", "finite", "must be a finite number of milliseconds");
  }

  if (violations.length > 0) throw invalidArgument("Invalid playback update", { fieldViolations: violations });
}

function isWithin(value: number, min: number, max: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
}
