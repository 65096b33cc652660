// Client sync telemetry (03 §4.5): `client_report` drift and RTT samples kept per room over a bounded
// window, and the room's scheduled-start lead derived from them (03 §3.3: clamp(2 × p95 RTT, 150, 1000)).
import { invalidArgument } from "../errors.js";
import { schedulingLeadMs } from "../playback/timeline/scheduling-lead.js";

export type ClientPlayerState = "UNSPECIFIED" | "LOADING" | "READY" | "BUFFERING" | "ERROR";

export interface ClientReport {
  driftMs: number;
  rttMs: number;
  bufferedAheadMs: number;
  state: ClientPlayerState;
}

export interface RoomSyncStatsOptions {
  /** Samples kept per room (newest win). */
  maxSamples?: number;
  /** Samples older than this are ignored. */
  maxAgeMs?: number;
  /** A connection's reports count at most once per this interval, so one client cannot flood the p95. */
  minReportIntervalMs?: number;
}

/** Far outside any usable link: such a report is a client bug, refused rather than averaged in. */
const MAX_RTT_MS = 60_000;
const MAX_ABS_DRIFT_MS = 86_400_000;

interface Sample {
  atMs: number;
  rttMs: number;
  driftMs: number;
}

interface RoomSamples {
  samples: Sample[];
  lastReportAt: Map<string, number>;
}

export class RoomSyncStats {
  readonly #rooms = new Map<number, RoomSamples>();
  readonly #maxSamples: number;
  readonly #maxAgeMs: number;
  readonly #minIntervalMs: number;
  #lastSweepAt = 0;

  constructor(options: RoomSyncStatsOptions = {}) {
    this.#maxSamples = options.maxSamples ?? 256;
    this.#maxAgeMs = options.maxAgeMs ?? 120_000;
    this.#minIntervalMs = options.minReportIntervalMs ?? 2_000;
  }

  /** Validates and records one report; false when it came too soon after the connection's last one. */
  record(roomId: number, connectionId: string, report: ClientReport, nowMs: number): boolean {
    if (!Number.isInteger(report.rttMs) || report.rttMs < 0 || report.rttMs > MAX_RTT_MS) {
      throw invalidArgument(`rtt_ms must be 0–${MAX_RTT_MS}`, {
        fieldViolations: [{ field: "client_report.rtt_ms", rule: "range", description: `0 to ${MAX_RTT_MS}` }],
      });
    }
    if (!Number.isInteger(report.driftMs) || Math.abs(report.driftMs) > MAX_ABS_DRIFT_MS) {
      throw invalidArgument("drift_ms is out of range", {
        fieldViolations: [{ field: "client_report.drift_ms", rule: "range", description: "within ±24 h" }],
      });
    }
    this.#sweep(nowMs);
    let room = this.#rooms.get(roomId);
    if (room === undefined) {
      room = { samples: [], lastReportAt: new Map() };
      this.#rooms.set(roomId, room);
    }
    const last = room.lastReportAt.get(connectionId);
    if (last !== undefined && nowMs - last < this.#minIntervalMs) return false;
    room.lastReportAt.set(connectionId, nowMs);
    room.samples.push({ atMs: nowMs, rttMs: report.rttMs, driftMs: report.driftMs });
    if (room.samples.length > this.#maxSamples) room.samples.splice(0, room.samples.length - this.#maxSamples);
    return true;
  }

  /** The connection closed: its rate slot goes; its samples age out with the window. */
  forgetConnection(roomId: number, connectionId: string): void {
    const room = this.#rooms.get(roomId);
    if (room === undefined) return;
    room.lastReportAt.delete(connectionId);
    if (room.lastReportAt.size === 0 && room.samples.length === 0) this.#rooms.delete(roomId);
  }

  /** Rooms with samples or open reporters (bounded memory). */
  roomCount(): number {
    return this.#rooms.size;
  }

  /** RTT samples of the window, oldest first. */
  rttSamples(roomId: number, nowMs: number): number[] {
    return this.#fresh(roomId, nowMs).map((s) => s.rttMs);
  }

  driftSamples(roomId: number, nowMs: number): number[] {
    return this.#fresh(roomId, nowMs).map((s) => s.driftMs);
  }

  /** The scheduled-start lead for the room: 150 ms without samples. */
  leadMs(roomId: number, nowMs: number): number {
    return schedulingLeadMs(this.rttSamples(roomId, nowMs));
  }

  /** Rooms nobody reads again still lose their stale samples, once per window. */
  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepAt < this.#maxAgeMs) return;
    this.#lastSweepAt = nowMs;
    for (const roomId of [...this.#rooms.keys()]) this.#fresh(roomId, nowMs);
  }

  #fresh(roomId: number, nowMs: number): Sample[] {
    const room = this.#rooms.get(roomId);
    if (room === undefined) return [];
    const cutoff = nowMs - this.#maxAgeMs;
    const firstFresh = room.samples.findIndex((s) => s.atMs > cutoff);
    if (firstFresh === -1) room.samples.length = 0;
    else if (firstFresh > 0) room.samples.splice(0, firstFresh);
    if (room.samples.length === 0 && room.lastReportAt.size === 0) this.#rooms.delete(roomId);
    return room.samples;
  }
}
