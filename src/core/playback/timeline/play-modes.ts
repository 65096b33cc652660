// Which playlist item comes next under each play mode (07 §14.2, 03 §3.5), for PlayNext / PlayPrevious and
// the auto-advance worker. The history cursor (which wins over the mode) is the caller's to consult first.

export type PlayMode = "SEQUENTIAL" | "REPEAT_ONE" | "REPEAT_ALL" | "SHUFFLE";
export type PlayDirection = "next" | "previous";
/** "auto": the worker finished an item; "manual": a member pressed next/previous. */
export type AdvanceTrigger = "auto" | "manual";

/**
 * The media id to play after `currentId` in `items` (media ids in playlist order), or null when there is
 * nothing to move to (PlayNext/PlayPrevious answer 3108; auto-advance pauses at the end).
 *
 * - SEQUENTIAL: the neighbour in `direction`; null past either end.
 * - REPEAT_ONE: auto-advance repeats the current item (the caller seeks to 0, 07 §14.2); a manual next or
 *   previous still moves, wrapping like REPEAT_ALL, since repeat is on.
 * - REPEAT_ALL: the neighbour, wrapping at both ends; a single item repeats itself.
 * - SHUFFLE: uniform among the other items, whatever the direction (going back is the history's job); the
 *   current item only when it is the only one.
 * A `currentId` that is null or no longer in the list counts as "before the first item" for next and
 * "after the last" for previous (SHUFFLE: any item). `random` returns values in [0, 1).
 */
export function nextItem(
  items: readonly number[],
  currentId: number | null,
  mode: PlayMode,
  random: () => number,
  direction: PlayDirection,
  trigger: AdvanceTrigger,
): number | null {
  const count = items.length;
  if (count === 0) return null;
  const index = currentId === null ? -1 : items.indexOf(currentId);

  if (mode === "SHUFFLE") {
    if (index < 0) return items[pick(random, count)] as number;
    if (count === 1) return items[0] as number;
    // Draw among the count − 1 others by skipping over the current slot.
    const drawn = pick(random, count - 1);
    return items[drawn >= index ? drawn + 1 : drawn] as number;
  }
  if (mode === "REPEAT_ONE" && trigger === "auto" && index >= 0) return items[index] as number;

  const step = direction === "next" ? 1 : -1;
  const from = index >= 0 ? index : direction === "next" ? -1 : count;
  const to = from + step;
  if (to >= 0 && to < count) return items[to] as number;
  if (mode === "SEQUENTIAL") return null;
  return items[(to + count) % count] as number;
}

/** An index in [0, count) from `random`, robust to a generator that returns 1 or garbage. */
function pick(random: () => number, count: number): number {
  const r = random();
  if (!Number.isFinite(r) || r <= 0) return 0;
  return Math.min(count - 1, Math.floor(r * count));
}
