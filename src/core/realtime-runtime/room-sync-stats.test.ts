import { describe, expect, it } from "vitest";
import { isDomainError } from "../errors.js";
import { type ClientReport, RoomSyncStats } from "./room-sync-stats.js";

const report = (rttMs: number, driftMs = 0): ClientReport => ({ rttMs, driftMs, bufferedAheadMs: 0, state: "READY" });

describe("room sync stats", () => {
  it("without reports the lead is the 150 ms floor", () => {
    expect(new RoomSyncStats().leadMs(1, 0)).toBe(150);
  });

  it("the lead follows twice the room's p95 RTT, within 150–1000 ms", () => {
    const stats = new RoomSyncStats({ minReportIntervalMs: 0 });
    for (let i = 0; i < 19; i++) stats.record(1, `c${i}`, report(100), 1_000);
    stats.record(1, "slow", report(300), 1_000);
    // 20 samples: the 19th smallest is the p95 → 100 ms → lead 200.
    expect(stats.leadMs(1, 1_000)).toBe(200);
    for (let i = 0; i < 5; i++) stats.record(1, `s${i}`, report(400), 1_000);
    expect(stats.leadMs(1, 1_000)).toBe(800);
    stats.record(1, "x", report(5_000), 1_000);
    expect(stats.leadMs(1, 1_000)).toBe(800);
    for (let i = 0; i < 30; i++) stats.record(1, `y${i}`, report(5_000), 1_000);
    expect(stats.leadMs(1, 1_000)).toBe(1_000);
    // Other rooms are unaffected.
    expect(stats.leadMs(2, 1_000)).toBe(150);
  });

  it("samples older than the window and beyond the bound are dropped", () => {
    const stats = new RoomSyncStats({ maxSamples: 3, maxAgeMs: 10_000, minReportIntervalMs: 0 });
    stats.record(1, "a", report(10), 0);
    stats.record(1, "a", report(20), 5_000);
    stats.record(1, "a", report(30), 6_000);
    stats.record(1, "a", report(40), 7_000);
    expect(stats.rttSamples(1, 7_000)).toEqual([20, 30, 40]);
    expect(stats.rttSamples(1, 15_500)).toEqual([30, 40]);
    expect(stats.rttSamples(1, 30_000)).toEqual([]);
    expect(stats.leadMs(1, 30_000)).toBe(150);
  });

  it("rooms whose samples all aged out are forgotten", () => {
    const stats = new RoomSyncStats({ maxAgeMs: 10_000, minReportIntervalMs: 0 });
    stats.record(1, "a", report(10), 0);
    stats.forgetConnection(1, "a");
    stats.record(2, "b", report(10), 20_000);
    expect(stats.roomCount()).toBe(1);
  });

  it("one connection's reports count at most once per interval", () => {
    const stats = new RoomSyncStats({ minReportIntervalMs: 2_000 });
    expect(stats.record(1, "a", report(500), 0)).toBe(true);
    expect(stats.record(1, "a", report(900), 100)).toBe(false);
    expect(stats.record(1, "b", report(900), 100)).toBe(true);
    expect(stats.record(1, "a", report(700, -30), 2_000)).toBe(true);
    expect(stats.rttSamples(1, 2_000)).toEqual([500, 900, 700]);
    expect(stats.driftSamples(1, 2_000)).toEqual([0, 0, -30]);
  });

  it("absurd values are refused as invalid arguments", () => {
    const stats = new RoomSyncStats();
    for (const bad of [report(-1), report(60_001), report(1.5), report(10, 90_000_000)]) {
      let caught: unknown;
      try {
        stats.record(1, "a", bad, 0);
      } catch (err) {
        caught = err;
      }
      expect(isDomainError(caught) && caught.kind).toBe("INVALID_ARGUMENT");
    }
    expect(stats.rttSamples(1, 0)).toEqual([]);
  });
});
