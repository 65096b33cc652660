import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyUpdate } from "./playback-updates.js";
import { schedulingLeadMs } from "./scheduling-lead.js";
import { arbLead, arbNow, arbPosition, arbSpeed, arbTimeline } from "./timeline-builders.js";
import { positionAt, type TimelineState } from "./timeline-state.js";
import type { PlaybackUpdate } from "./update-validation.js";

const EPSILON = 1e-9;

describe("timeline properties", () => {
  it("SPEED keeps positionAt continuous at any time", () => {
    fc.assert(
      fc.property(arbTimeline, arbNow, arbLead, arbSpeed, fc.nat(3_600_000), (state, nowMs, leadMs, speed, laterMs) => {
        const after = applyUpdate(state, { type: "SPEED", speed }, { nowMs, leadMs });
        const here = positionAt(state, nowMs);
        expect(Math.abs(positionAt(after, nowMs) - here)).toBeLessThan(EPSILON);
        // Once running, it moves on from there at the new speed at once: no stall, no jump.
        if (state.playing && state.anchorAt <= nowMs) {
          const expected = here + (laterMs / 1000) * speed;
          expect(Math.abs(positionAt(after, nowMs + laterMs) - expected)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it("PAUSE freezes positionAt at its value at the moment of the pause, forever after", () => {
    fc.assert(
      fc.property(arbTimeline, arbNow, arbLead, fc.nat(10_000_000), (state, nowMs, leadMs, laterMs) => {
        const paused = applyUpdate(state, { type: "PAUSE" }, { nowMs, leadMs });
        expect(positionAt(paused, nowMs)).toBe(positionAt(state, nowMs));
        expect(positionAt(paused, nowMs + laterMs)).toBe(positionAt(state, nowMs));
      }),
    );
  });

  it("PAUSE then PLAY resumes from the paused position", () => {
    fc.assert(
      fc.property(arbTimeline, arbNow, fc.nat(1_000_000), arbLead, (state, pauseAt, gapMs, leadMs) => {
        const paused = applyUpdate(state, { type: "PAUSE" }, { nowMs: pauseAt, leadMs });
        const resumed = applyUpdate(paused, { type: "PLAY" }, { nowMs: pauseAt + gapMs, leadMs });
        expect(resumed.playing).toBe(true);
        expect(resumed.position).toBe(positionAt(state, pauseAt));
        expect(positionAt(resumed, resumed.anchorAt)).toBe(positionAt(state, pauseAt));
      }),
    );
  });

  it("without a seek the position never decreases, whatever PLAY, PAUSE and SPEED do", () => {
    const arbStep = fc.record({
      afterMs: fc.nat(120_000),
      update: fc.oneof(
        fc.constant<PlaybackUpdate>({ type: "PLAY" }),
        fc.constant<PlaybackUpdate>({ type: "PAUSE" }),
        arbSpeed.map((speed): PlaybackUpdate => ({ type: "SPEED", speed })),
        fc.tuple(arbSpeed, fc.boolean()).map(([speed, playing]): PlaybackUpdate => ({ type: "SPEED", speed, playing })),
      ),
    });
    fc.assert(
      fc.property(arbTimeline, arbNow, arbLead, fc.array(arbStep, { maxLength: 20 }), (start, t0, leadMs, steps) => {
        let state: TimelineState = start;
        let nowMs = t0;
        let last = positionAt(state, nowMs);
        for (const { afterMs, update } of steps) {
          // Sample just before and at the moment of each update.
          nowMs += afterMs;
          const before = positionAt(state, nowMs);
          expect(before).toBeGreaterThanOrEqual(last - EPSILON);
          state = applyUpdate(state, update, { nowMs, leadMs });
          last = positionAt(state, nowMs);
          expect(last).toBeGreaterThanOrEqual(before - EPSILON);
        }
        expect(positionAt(state, nowMs + 3_600_000)).toBeGreaterThanOrEqual(last - EPSILON);
      }),
    );
  });

  it("a SEEK lands on the requested position, advanced by at most 30 s of delay times speed", () => {
    fc.assert(
      fc.property(
        arbTimeline,
        arbNow,
        arbLead,
        arbPosition,
        fc.integer({ min: -60_000, max: 60_000 }),
        (state, nowMs, leadMs, position, skewMs) => {
          const after = applyUpdate(state, { type: "SEEK", position, clientTimeMs: nowMs - skewMs }, { nowMs, leadMs });
          expect(after.position).toBeGreaterThanOrEqual(position);
          expect(after.position).toBeLessThanOrEqual(position + 30 * state.speed + EPSILON);
          if (!after.playing) expect(after.position).toBe(position);
        },
      ),
    );
  });

  it("the scheduling lead stays within 150–1000 ms", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 100_000 })), (samples) => {
        const lead = schedulingLeadMs(samples);
        expect(lead).toBeGreaterThanOrEqual(150);
        expect(lead).toBeLessThanOrEqual(1000);
        expect(Number.isInteger(lead)).toBe(true);
      }),
    );
  });
});
