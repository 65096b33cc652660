// How far ahead a start is scheduled (03 §3.3): twice the room's p95 client RTT, so every client has the
// state before the anchor passes, bounded to 150–1000 ms.

export const MIN_LEAD_MS = 150;
export const MAX_LEAD_MS = 1000;

/** clamp(2 × p95 RTT, 150, 1000) in whole ms; 150 when no usable sample is known. */
export function schedulingLeadMs(rttSamplesMs: readonly number[]): number {
  const samples = rttSamplesMs.filter((rtt) => Number.isFinite(rtt) && rtt >= 0).sort((a, b) => a - b);
  if (samples.length === 0) return MIN_LEAD_MS;
  // Nearest-rank percentile: the smallest sample with at least 95 % of the samples at or below it.
  const p95 = samples[Math.ceil(0.95 * samples.length) - 1] as number;
  return Math.round(Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, 2 * p95)));
}
