// Test builders for the timeline: a playing static source by default, overridable field by field, and the
// fast-check arbitraries the property suites share. Not exported from index.ts.

import fc from "fast-check";
import { DomainError } from "../../errors.js";
import { MAX_POSITION_SECONDS, MAX_SPEED, MIN_SPEED, type TimelineState } from "./timeline-state.js";

export const T0 = Date.UTC(2025, 0, 1);

export function timeline(overrides: Partial<TimelineState> = {}): TimelineState {
  return {
    source: { kind: "static", mediaId: 7, playlistId: 3 },
    playbackKind: "REGULAR",
    position: 10,
    anchorAt: T0,
    speed: 1,
    playing: true,
    version: 5,
    generation: 2,
    ...overrides,
  };
}

/** The DomainError `fn` throws; fails the test when it throws nothing or something else. */
export function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

export const arbSpeed = fc.double({ min: MIN_SPEED, max: MAX_SPEED, noNaN: true });
export const arbPosition = fc.double({ min: 0, max: MAX_POSITION_SECONDS, noNaN: true });
export const arbLead = fc.integer({ min: 150, max: 1000 });

/** A regular static timeline anchored near T0, playing or paused, with the anchor possibly in the future. */
export const arbTimeline = fc
  .record({ position: arbPosition, anchorOffsetMs: fc.integer({ min: -600_000, max: 1000 }), speed: arbSpeed })
  .chain(({ position, anchorOffsetMs, speed }) =>
    fc.boolean().map((playing) => timeline({ position, anchorAt: T0 + anchorOffsetMs, speed, playing })),
  );

/** A server time at or after T0 − 2 s, so anchors are sometimes still in the future. */
export const arbNow = fc.integer({ min: T0 - 2000, max: T0 + 3_600_000 });
