import { describe, expect, it } from "vitest";
import { startSource, stopped } from "./source-changes.js";
import { domainErrorOf, T0, timeline } from "./timeline-builders.js";
import { positionAt } from "./timeline-state.js";

const next = { kind: "static", mediaId: 8, playlistId: 3 } as const;

describe("startSource", () => {
  it("starts the new source at 0, playing, scheduled at now + lead, with the next generation", () => {
    const started = startSource(timeline({ position: 1234, speed: 2, playing: false }), next, "REGULAR", {
      nowMs: T0,
      leadMs: 300,
    });
    expect(started).toEqual({
      source: next,
      playbackKind: "REGULAR",
      position: 0,
      anchorAt: T0 + 300,
      speed: 1,
      playing: true,
      version: 5,
      generation: 3,
    });
    expect(positionAt(started, T0 + 299)).toBe(0);
  });

  it("resumes a history entry at its saved position, clamped to 0–86 400", () => {
    const at = (resumeAt: number) =>
      startSource(timeline(), next, "REGULAR", { nowMs: T0, leadMs: 150, resumeAt }).position;
    expect(at(321.5)).toBe(321.5);
    expect(at(-4)).toBe(0);
    expect(at(90_000)).toBe(86_400);
    expect(at(Number.NaN)).toBe(0);
  });

  it("starts a live source at 0 whatever the saved position", () => {
    const live = startSource(timeline(), next, "LIVE", { nowMs: T0, leadMs: 150, resumeAt: 50 });
    expect([live.position, live.playbackKind]).toEqual([0, "LIVE"]);
  });

  it("refuses 'none' as a source", () => {
    const e = domainErrorOf(() => startSource(timeline(), { kind: "none" }, "REGULAR", { nowMs: T0, leadMs: 150 }));
    expect(e.kind).toBe("INVALID_ARGUMENT");
  });
});

describe("stopped", () => {
  it("clears the source, pauses at 0 and bumps the generation", () => {
    const cleared = stopped(timeline({ position: 77, playbackKind: "LIVE", speed: 2 }));
    expect(cleared).toMatchObject({
      source: { kind: "none" },
      playbackKind: "REGULAR",
      position: 0,
      playing: false,
      speed: 1,
      version: 5,
      generation: 3,
    });
    expect(positionAt(cleared, T0 + 10_000)).toBe(0);
  });
});
