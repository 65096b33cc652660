// Delivery latencies of many client processes, merged in the parent: 0.1 ms buckets up to 10 s
// (the overflow bucket holds the rest), shipped over IPC as [bucket, count] pairs.
import { round } from "./percentiles.js";

const BUCKETS_PER_MS = 10;
const MAX_BUCKET = 100_000;

export type SparseHistogram = [bucket: number, count: number][];

export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #max = 0;

  record(ms: number): void {
    const bucket = Math.min(MAX_BUCKET, Math.max(0, Math.floor(ms * BUCKETS_PER_MS)));
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    if (ms > this.#max) this.#max = ms;
  }

  toSparse(): { buckets: SparseHistogram; maxMs: number } {
    return { buckets: [...this.#counts.entries()], maxMs: this.#max };
  }
}

export interface LatencySummary {
  samples: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Nearest-rank percentiles over the merged histograms (bucket upper bounds: never optimistic). */
export function summarizeHistograms(parts: readonly { buckets: SparseHistogram; maxMs: number }[]): LatencySummary {
  const merged = new Map<number, number>();
  let maxMs = 0;
  for (const part of parts) {
    for (const [bucket, count] of part.buckets) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
    maxMs = Math.max(maxMs, part.maxMs);
  }
  const sorted = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  const at = (p: number): number => {
    if (total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const [bucket, count] of sorted) {
      seen += count;
      if (seen >= rank) return Math.min(maxMs, (bucket + 1) / BUCKETS_PER_MS);
    }
    return maxMs;
  };
  return { samples: total, p50_ms: round(at(50)), p90_ms: round(at(90)), p99_ms: round(at(99)), max_ms: round(maxMs) };
}
