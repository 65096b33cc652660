// Fractional ordering inside one scope (spec 06 §3.3): new items go to the midpoint of their
// neighbours; when the gap gets too small to split, the caller renumbers the scope 1024, 2048, …
// These functions are pure so the property test can hammer them without a database.

/** Distance between renumbered neighbours, and the step appended items take past the last one. */
export const POSITION_STEP = 1024;

/** Below this gap a midpoint is no longer trusted to be distinct from its neighbours (06 §3.3). */
export const MIN_POSITION_GAP = 1e-9;

/**
 * `count` strictly increasing positions strictly between `before` (null = scope start, i.e. 0) and
 * `after` (null = scope end), evenly spread; null when the gap is too small and the scope must be
 * renumbered first.
 */
export function positionsBetween(before: number | null, after: number | null, count: number): number[] | null {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
  const low = before ?? 0;
  if (after === null) {
    return Array.from({ length: count }, (_, i) => low + (i + 1) * POSITION_STEP);
  }
  const step = (after - low) / (count + 1);
  if (!(step >= MIN_POSITION_GAP)) return null;
  const out: number[] = [];
  let previous = low;
  for (let i = 1; i <= count; i++) {
    const p = low + step * i;
    // Floating point can collapse a tiny step onto a neighbour; that also calls for renumbering.
    if (!(p > previous && p < after)) return null;
    out.push(p);
    previous = p;
  }
  return out;
}

/** The positions a renumbered scope of `count` items takes, in order. */
export function renumberedPositions(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + 1) * POSITION_STEP);
}
