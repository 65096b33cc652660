// Order statistics for small samples (start-up runs) and large ones (per-call gRPC latencies).
// Nearest-rank percentiles: with N = 5 runs, p95 is honestly the maximum, not an interpolation.

export interface Summary {
  median_ms: number;
  p95_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
}

/** Nearest-rank percentile of an ascending-sorted array; `p` in [0, 100]. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  // An even count averages the middle pair, so two runs do not just report the faster one.
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median_ms: round(median(sorted)),
    p95_ms: round(percentile(sorted, 95)),
    min_ms: round(sorted[0] ?? Number.NaN),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
    runs: sorted.length,
  };
}

/** Milliseconds to 0.1 ms: finer digits are noise on a shared machine. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
