import { describe, expect, it } from "vitest";
import { AppCode } from "../../errors.js";
import { applyUpdate } from "./playback-updates.js";
import { domainErrorOf, T0, timeline } from "./timeline-builders.js";
import { positionAt } from "./timeline-state.js";
import type { PlaybackUpdate } from "./update-validation.js";

const LEAD = 200;
const at = (nowMs: number) => ({ nowMs, leadMs: LEAD });

describe("positionAt", () => {
  it("a playing timeline advances by elapsed time times speed", () => {
    expect(positionAt(timeline({ speed: 2 }), T0 + 1500)).toBe(13);
  });

  it("a paused timeline holds its position", () => {
    expect(positionAt(timeline({ playing: false }), T0 + 60_000)).toBe(10);
  });

  it("a future anchor holds the position until it passes (scheduled start)", () => {
    const scheduled = timeline({ anchorAt: T0 + 300 });
    expect(positionAt(scheduled, T0)).toBe(10);
    expect(positionAt(scheduled, T0 + 300)).toBe(10);
    expect(positionAt(scheduled, T0 + 1300)).toBe(11);
  });
});

describe("PAUSE", () => {
  it("freezes the computed position at now", () => {
    const paused = applyUpdate(timeline({ speed: 2 }), { type: "PAUSE" }, at(T0 + 3000));
    expect(paused).toMatchObject({ position: 16, anchorAt: T0 + 3000, playing: false, speed: 2 });
    expect(positionAt(paused, T0 + 999_999)).toBe(16);
  });

  it("pauses at a given position, never compensated for latency", () => {
    const paused = applyUpdate(timeline(), { type: "PAUSE", position: 42, clientTimeMs: T0 + 1000 }, at(T0 + 2000));
    expect(paused).toMatchObject({ position: 42, playing: false });
  });

  it("ignores a contradicting playing flag", () => {
    expect(applyUpdate(timeline(), { type: "PAUSE", playing: true }, at(T0)).playing).toBe(false);
  });

  it("during a pending scheduled start freezes the held position", () => {
    const paused = applyUpdate(timeline({ anchorAt: T0 + 500 }), { type: "PAUSE" }, at(T0));
    expect(paused).toMatchObject({ position: 10, anchorAt: T0, playing: false });
  });
});

describe("PLAY", () => {
  it("resumes from the frozen position, scheduled at now + lead", () => {
    const paused = timeline({ position: 16, playing: false, anchorAt: T0 });
    const resumed = applyUpdate(paused, { type: "PLAY" }, at(T0 + 10_000));
    expect(resumed).toMatchObject({ position: 16, anchorAt: T0 + 10_000 + LEAD, playing: true });
    expect(positionAt(resumed, T0 + 10_000 + LEAD)).toBe(16);
    expect(positionAt(resumed, T0 + 11_000 + LEAD)).toBe(17);
  });

  it("starts at a given position", () => {
    const played = applyUpdate(timeline({ playing: false }), { type: "PLAY", position: 90 }, at(T0 + 5000));
    expect(played).toMatchObject({ position: 90, anchorAt: T0 + 5000 + LEAD, playing: true });
  });

  it("while already playing changes nothing, keeping a pending scheduled start", () => {
    const scheduled = timeline({ anchorAt: T0 + 400 });
    expect(applyUpdate(scheduled, { type: "PLAY" }, at(T0))).toEqual(scheduled);
    const running = timeline();
    expect(applyUpdate(running, { type: "PLAY" }, at(T0 + 5000))).toEqual(running);
  });

  it("ignores a contradicting playing flag", () => {
    expect(applyUpdate(timeline({ playing: false }), { type: "PLAY", playing: false }, at(T0)).playing).toBe(true);
  });
});

describe("SEEK", () => {
  it("while playing jumps to the position and schedules the restart at now + lead", () => {
    const sought = applyUpdate(timeline(), { type: "SEEK", position: 600 }, at(T0 + 1000));
    expect(sought).toMatchObject({ position: 600, anchorAt: T0 + 1000 + LEAD, playing: true });
  });

  it("while paused moves the position and stays paused", () => {
    const sought = applyUpdate(timeline({ playing: false }), { type: "SEEK", position: 600 }, at(T0 + 1000));
    expect(sought).toMatchObject({ position: 600, anchorAt: T0 + 1000, playing: false });
  });

  it("takes a playing override either way", () => {
    const started = applyUpdate(timeline({ playing: false }), { type: "SEEK", position: 5, playing: true }, at(T0));
    expect(started).toMatchObject({ position: 5, anchorAt: T0 + LEAD, playing: true });
    const stopped = applyUpdate(timeline(), { type: "SEEK", position: 5, playing: false }, at(T0));
    expect(stopped).toMatchObject({ position: 5, anchorAt: T0, playing: false });
  });

  it("accepts the bounds 0 and 86 400", () => {
    expect(applyUpdate(timeline(), { type: "SEEK", position: 0 }, at(T0)).position).toBe(0);
    expect(applyUpdate(timeline(), { type: "SEEK", position: 86_400 }, at(T0)).position).toBe(86_400);
  });

  it.each([-0.001, 86_400.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects position %s as an invalid argument",
    (position) => {
      const e = domainErrorOf(() => applyUpdate(timeline(), { type: "SEEK", position }, at(T0)));
      expect([e.kind, e.code, e.fieldViolations.map((v) => [v.field, v.rule])]).toEqual([
        "INVALID_ARGUMENT",
        3000,
        [["position", "range"]],
      ]);
    },
  );

  it("requires a position", () => {
    const e = domainErrorOf(() => applyUpdate(timeline(), { type: "SEEK" }, at(T0)));
    expect(e.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["position", "required"]]);
  });

  it("refuses a speed", () => {
    const e = domainErrorOf(() => applyUpdate(timeline(), { type: "SEEK", position: 1, speed: 2 }, at(T0)));
    expect(e.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["speed", "not_allowed"]]);
  });
});

describe("SPEED", () => {
  it("re-anchors at now without a jump and then moves at the new speed", () => {
    const before = timeline({ speed: 2 });
    const after = applyUpdate(before, { type: "SPEED", speed: 0.5 }, at(T0 + 4000));
    expect(after).toMatchObject({ position: 18, anchorAt: T0 + 4000, speed: 0.5, playing: true });
    expect(positionAt(after, T0 + 4000)).toBe(positionAt(before, T0 + 4000));
    expect(positionAt(after, T0 + 6000)).toBe(19);
  });

  it("before a pending scheduled start keeps that start", () => {
    const after = applyUpdate(timeline({ anchorAt: T0 + 500 }), { type: "SPEED", speed: 3 }, at(T0));
    expect(after).toMatchObject({ position: 10, anchorAt: T0 + 500, speed: 3 });
  });

  it("while paused only changes the speed", () => {
    const after = applyUpdate(timeline({ playing: false }), { type: "SPEED", speed: 1.5 }, at(T0 + 9000));
    expect(after).toMatchObject({ position: 10, speed: 1.5, playing: false });
  });

  it("with playing false freezes the computed position", () => {
    const after = applyUpdate(timeline(), { type: "SPEED", speed: 2, playing: false }, at(T0 + 3000));
    expect(after).toMatchObject({ position: 13, anchorAt: T0 + 3000, speed: 2, playing: false });
  });

  it("with playing true from paused schedules the start at now + lead", () => {
    const after = applyUpdate(timeline({ playing: false }), { type: "SPEED", speed: 2, playing: true }, at(T0));
    expect(after).toMatchObject({ position: 10, anchorAt: T0 + LEAD, speed: 2, playing: true });
  });

  it("accepts the bounds 0.25 and 4.0", () => {
    expect(applyUpdate(timeline(), { type: "SPEED", speed: 0.25 }, at(T0)).speed).toBe(0.25);
    expect(applyUpdate(timeline(), { type: "SPEED", speed: 4 }, at(T0)).speed).toBe(4);
  });

  it.each([0.24, 4.01, 0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects speed %s", (speed) => {
    const e = domainErrorOf(() => applyUpdate(timeline(), { type: "SPEED", speed }, at(T0)));
    expect([e.kind, e.fieldViolations.map((v) => [v.field, v.rule])]).toEqual([
      "INVALID_ARGUMENT",
      [["speed", "range"]],
    ]);
  });

  it("requires a speed and refuses a position", () => {
    const e = domainErrorOf(() => applyUpdate(timeline(), { type: "SPEED", position: 3 }, at(T0)));
    expect(e.fieldViolations.map((v) => [v.field, v.rule])).toEqual([
      ["position", "not_allowed"],
      ["speed", "required"],
    ]);
  });
});

describe("latency compensation", () => {
  const now = T0 + 100_000;

  it("advances a position set while playing by the one-way delay times speed", () => {
    const sought = applyUpdate(
      timeline({ speed: 2 }),
      { type: "SEEK", position: 50, clientTimeMs: now - 250 },
      at(now),
    );
    expect(sought.position).toBeCloseTo(50.5, 9);
    const played = applyUpdate(
      timeline({ playing: false }),
      { type: "PLAY", position: 50, clientTimeMs: now - 250 },
      at(now),
    );
    expect(played.position).toBeCloseTo(50.25, 9);
  });

  it("is applied up to exactly 30 s of delay and not beyond", () => {
    const seek = (clientTimeMs: number) =>
      applyUpdate(timeline(), { type: "SEEK", position: 50, clientTimeMs }, at(now)).position;
    expect(seek(now - 30_000)).toBe(80);
    expect(seek(now - 30_001)).toBe(50);
    expect(seek(now + 30_001)).toBe(50);
  });

  it("never moves the position back when the client clock is ahead", () => {
    const sought = applyUpdate(timeline(), { type: "SEEK", position: 50, clientTimeMs: now + 5000 }, at(now));
    expect(sought.position).toBe(50);
  });

  it("is never applied when the result is paused", () => {
    const whilePaused = applyUpdate(
      timeline({ playing: false }),
      { type: "SEEK", position: 50, clientTimeMs: now - 900 },
      at(now),
    );
    expect(whilePaused.position).toBe(50);
    const seekAndPause: PlaybackUpdate = { type: "SEEK", position: 50, playing: false, clientTimeMs: now - 900 };
    expect(applyUpdate(timeline(), seekAndPause, at(now)).position).toBe(50);
  });

  it("does not touch a position the server computed", () => {
    const resumed = applyUpdate(timeline({ playing: false }), { type: "PLAY", clientTimeMs: now - 900 }, at(now));
    expect(resumed.position).toBe(10);
  });

  it("rejects a non-finite client time", () => {
    const e = domainErrorOf(() =>
      applyUpdate(timeline(), { type: "SEEK", position: 1, clientTimeMs: Number.NaN }, at(now)),
    );
    expect(e.fieldViolations.map((v) => v.field)).toEqual(["client_time_ms"]);
  });
});

describe("preconditions", () => {
  const live = timeline({ playbackKind: "LIVE" });

  it("a live source rejects SEEK with 3106", () => {
    const e = domainErrorOf(() => applyUpdate(live, { type: "SEEK", position: 30 }, at(T0)));
    expect([e.kind, e.code]).toEqual(["FAILED_PRECONDITION", AppCode.LIVE_NOT_SEEKABLE]);
  });

  it("a live source rejects a position on PLAY and PAUSE with 3106", () => {
    for (const type of ["PLAY", "PAUSE"] as const) {
      expect(domainErrorOf(() => applyUpdate(live, { type, position: 30 }, at(T0))).code).toBe(3106);
    }
  });

  it("a live source still plays, pauses and changes speed", () => {
    const paused = applyUpdate(live, { type: "PAUSE" }, at(T0 + 1000));
    expect(applyUpdate(paused, { type: "PLAY" }, at(T0 + 2000)).playing).toBe(true);
    expect(applyUpdate(live, { type: "SPEED", speed: 1.5 }, at(T0)).speed).toBe(1.5);
  });

  it.each<PlaybackUpdate>([
    { type: "PLAY" },
    { type: "PAUSE" },
    { type: "SEEK", position: 1 },
    { type: "SPEED", speed: 1 },
  ])("with no source $type fails with 3105", (update) => {
    const e = domainErrorOf(() => applyUpdate(timeline({ source: { kind: "none" } }), update, at(T0)));
    expect([e.kind, e.code]).toEqual(["FAILED_PRECONDITION", AppCode.NO_PLAYBACK_SOURCE]);
  });

  it("argument errors are reported before state errors", () => {
    const e = domainErrorOf(() =>
      applyUpdate(timeline({ source: { kind: "none" } }), { type: "SEEK", position: Number.NaN }, at(T0)),
    );
    expect(e.code).toBe(3000);
  });

  it("rejects an unknown update type", () => {
    const update = { type: "REWIND" } as unknown as PlaybackUpdate;
    expect(domainErrorOf(() => applyUpdate(timeline(), update, at(T0))).fieldViolations[0]?.field).toBe("type");
  });
});

describe("what an update leaves alone", () => {
  it("keeps source, kind, version and generation (the repository bumps version in SQL)", () => {
    const before = timeline({ source: { kind: "dynamic", playlistId: 4, target: { path: "/a" }, targetHash: "ab" } });
    const after = applyUpdate(before, { type: "SEEK", position: 1 }, at(T0));
    expect([after.source, after.playbackKind, after.version, after.generation]).toEqual([
      before.source,
      "REGULAR",
      5,
      2,
    ]);
  });
});
