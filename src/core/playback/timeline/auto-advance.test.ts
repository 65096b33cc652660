import { describe, expect, it } from "vitest";
import { autoAdvanceDue } from "./auto-advance.js";
import { T0, timeline } from "./timeline-builders.js";

// Playing from 10 s at T0, so the computed position is 10 + elapsed seconds.
describe("autoAdvanceDue", () => {
  it("is due from duration − 1 s on", () => {
    expect(autoAdvanceDue(timeline(), 100, T0 + 88_999)).toBe(false);
    expect(autoAdvanceDue(timeline(), 100, T0 + 89_000)).toBe(true);
    expect(autoAdvanceDue(timeline(), 100, T0 + 500_000)).toBe(true);
  });

  it("counts speed", () => {
    expect(autoAdvanceDue(timeline({ speed: 2 }), 100, T0 + 44_500)).toBe(true);
  });

  it("is never due while paused, for a live source or with nothing playing", () => {
    expect(autoAdvanceDue(timeline({ playing: false, position: 99.5 }), 100, T0)).toBe(false);
    expect(autoAdvanceDue(timeline({ playbackKind: "LIVE" }), 100, T0 + 500_000)).toBe(false);
    expect(autoAdvanceDue(timeline({ source: { kind: "none" } }), 100, T0 + 500_000)).toBe(false);
  });

  it("needs a known, positive duration", () => {
    for (const duration of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(autoAdvanceDue(timeline(), duration, T0 + 500_000)).toBe(false);
    }
  });

  it("waits for a scheduled start to begin, even for an item shorter than a second", () => {
    const scheduled = timeline({ position: 0, anchorAt: T0 + 200 });
    expect(autoAdvanceDue(scheduled, 0.5, T0)).toBe(false);
    expect(autoAdvanceDue(scheduled, 0.5, T0 + 200)).toBe(true);
  });
});
