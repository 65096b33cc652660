// Splits one start-up into phases using the server's own JSON log timestamps (pino isoTime, ms),
// measured from the bench's spawn time on the same clock. Only lines that startNode already logs
// are used, so the breakdown needs no instrumentation in src/.
import type { OutputLine } from "./child-process.js";
import { median, round } from "./percentiles.js";

/** Log messages that mark the end of each phase, in start-up order (see src/main.ts). */
const MARKERS = [
  // startNode's first line: config is loaded and validated, the logger exists. Only logged in
  // development mode, which is what a fresh data_dir without secrets runs in.
  { phase: "config_loaded", matches: (msg: string) => msg.startsWith("DEVELOPMENT MODE") },
  {
    phase: "database_opened",
    matches: (msg: string) => msg === "embedded PGlite database opened" || msg === "PostgreSQL connected",
  },
  // Between these two: migrations, store, settings snapshot, Fastify + Connect routes, listen.
  { phase: "api_listening", matches: (msg: string) => msg.startsWith("Server listening at") },
  { phase: "serving", matches: (msg: string) => msg === "SyncTV is serving" },
] as const;

export type PhaseName = (typeof MARKERS)[number]["phase"];

/** Milliseconds since spawn at which each marker was logged; absent when the line was not seen. */
export function markerTimes(lines: readonly OutputLine[], spawnedAtMs: number): Partial<Record<PhaseName, number>> {
  const times: Partial<Record<PhaseName, number>> = {};
  for (const line of lines) {
    if (line.stream !== "stdout" || !line.text.startsWith("{")) continue;
    let entry: { msg?: unknown; time?: unknown };
    try {
      entry = JSON.parse(line.text) as { msg?: unknown; time?: unknown };
    } catch {
      continue;
    }
    if (typeof entry.msg !== "string" || typeof entry.time !== "string") continue;
    const at = Date.parse(entry.time) - spawnedAtMs;
    for (const marker of MARKERS) {
      if (times[marker.phase] === undefined && marker.matches(entry.msg)) times[marker.phase] = at;
    }
  }
  return times;
}

/**
 * Durations between consecutive markers, ending at the bench's first 200 from /health/ready.
 * A missing marker merges its phase into the next one, and the key says so (e.g. spawn_to_serving).
 */
export function phaseDurations(times: Partial<Record<PhaseName, number>>, readyMs: number): Record<string, number> {
  const points: [string, number | undefined][] = [
    ...MARKERS.map((m): [string, number | undefined] => [m.phase, times[m.phase]]),
    ["ready_observed", readyMs],
  ];
  const out: Record<string, number> = {};
  let previous: [string, number] = ["spawn", 0];
  for (const [name, at] of points) {
    if (at === undefined) continue;
    out[`${previous[0]}_to_${name}_ms`] = round(at - previous[1]);
    previous = [name, at];
  }
  return out;
}

/** Per-phase medians across runs, so one slow run does not define the breakdown. */
export function medianPhases(runs: readonly Record<string, number>[]): Record<string, number> {
  const names = new Set(runs.flatMap((r) => Object.keys(r)));
  const out: Record<string, number> = {};
  for (const name of names) {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined);
    out[name] = round(median(values));
  }
  return out;
}
