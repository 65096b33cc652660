import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AdvanceTrigger, nextItem, type PlayDirection, type PlayMode } from "./play-modes.js";

const items = [11, 22, 33, 44];
const never = () => {
  throw new Error("random must not be consulted");
};

describe("nextItem examples", () => {
  it("SEQUENTIAL moves to the neighbour and stops at both ends", () => {
    expect(nextItem(items, 22, "SEQUENTIAL", never, "next", "manual")).toBe(33);
    expect(nextItem(items, 22, "SEQUENTIAL", never, "previous", "manual")).toBe(11);
    expect(nextItem(items, 44, "SEQUENTIAL", never, "next", "auto")).toBeNull();
    expect(nextItem(items, 11, "SEQUENTIAL", never, "previous", "manual")).toBeNull();
  });

  it("REPEAT_ONE repeats the item on auto-advance but a manual next or previous still moves, wrapping", () => {
    expect(nextItem(items, 33, "REPEAT_ONE", never, "next", "auto")).toBe(33);
    expect(nextItem(items, 33, "REPEAT_ONE", never, "next", "manual")).toBe(44);
    expect(nextItem(items, 44, "REPEAT_ONE", never, "next", "manual")).toBe(11);
    expect(nextItem(items, 11, "REPEAT_ONE", never, "previous", "manual")).toBe(44);
  });

  it("REPEAT_ALL wraps at both ends and repeats a single item", () => {
    expect(nextItem(items, 44, "REPEAT_ALL", never, "next", "auto")).toBe(11);
    expect(nextItem(items, 11, "REPEAT_ALL", never, "previous", "manual")).toBe(44);
    expect(nextItem([5], 5, "REPEAT_ALL", never, "next", "auto")).toBe(5);
  });

  it("SHUFFLE draws uniformly among the other items", () => {
    const picks = [0, 0.34, 0.67, 0.999].map((r) => nextItem(items, 22, "SHUFFLE", () => r, "next", "auto"));
    expect(picks).toEqual([11, 33, 44, 44]);
  });

  it("SHUFFLE returns the current item only when it is the only one", () => {
    expect(nextItem([9], 9, "SHUFFLE", () => 0.5, "next", "auto")).toBe(9);
  });

  it("with no current item next starts at the first and previous at the last", () => {
    expect(nextItem(items, null, "SEQUENTIAL", never, "next", "manual")).toBe(11);
    expect(nextItem(items, 99, "SEQUENTIAL", never, "previous", "manual")).toBe(44);
    expect(nextItem(items, null, "REPEAT_ONE", never, "next", "auto")).toBe(11);
  });

  it("an empty list has nothing to move to", () => {
    for (const mode of ["SEQUENTIAL", "REPEAT_ONE", "REPEAT_ALL", "SHUFFLE"] as const) {
      expect(nextItem([], null, mode, () => 0.5, "next", "auto")).toBeNull();
    }
  });

  it("a generator returning 1 or NaN still yields a list item", () => {
    expect(nextItem(items, 44, "SHUFFLE", () => 1, "next", "auto")).toBe(33);
    expect(nextItem(items, 11, "SHUFFLE", () => Number.NaN, "next", "auto")).toBe(22);
  });
});

const arbItems = fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 30 });
const arbMode = fc.constantFrom<PlayMode>("SEQUENTIAL", "REPEAT_ONE", "REPEAT_ALL", "SHUFFLE");
const arbDirection = fc.constantFrom<PlayDirection>("next", "previous");
const arbTrigger = fc.constantFrom<AdvanceTrigger>("auto", "manual");
const arbRandom = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((r) => () => r);
/** A list with a current id that is one of its items, absent, or a stranger. */
const arbListAndCurrent = arbItems.chain((list) =>
  fc.tuple(fc.constant(list), fc.oneof(fc.constantFrom(...list), fc.constant(null), fc.integer({ min: -5, max: 0 }))),
);

describe("nextItem properties", () => {
  it("never returns an id that is not in the list", () => {
    fc.assert(
      fc.property(arbListAndCurrent, arbMode, arbRandom, arbDirection, arbTrigger, ([list, current], ...rest) => {
        const [mode, random, direction, trigger] = rest;
        const next = nextItem(list, current, mode, random, direction, trigger);
        if (next !== null) expect(list).toContain(next);
      }),
    );
  });

  it("REPEAT_ALL never returns null for a non-empty list", () => {
    fc.assert(
      fc.property(
        arbListAndCurrent,
        arbRandom,
        arbDirection,
        arbTrigger,
        ([list, current], random, direction, trigger) => {
          expect(nextItem(list, current, "REPEAT_ALL", random, direction, trigger)).not.toBeNull();
        },
      ),
    );
  });

  it("SEQUENTIAL manual previous and next are inverse in the middle of the list", () => {
    fc.assert(
      fc.property(
        arbItems.filter((l) => l.length >= 3),
        fc.nat(),
        (list, seed) => {
          const id = list[1 + (seed % (list.length - 2))] as number;
          const next = nextItem(list, id, "SEQUENTIAL", never, "next", "manual");
          const previous = nextItem(list, id, "SEQUENTIAL", never, "previous", "manual");
          expect(nextItem(list, next, "SEQUENTIAL", never, "previous", "manual")).toBe(id);
          expect(nextItem(list, previous, "SEQUENTIAL", never, "next", "manual")).toBe(id);
        },
      ),
    );
  });

  it("SHUFFLE never repeats the current item when there is another", () => {
    fc.assert(
      fc.property(
        arbListAndCurrent,
        arbRandom,
        arbDirection,
        arbTrigger,
        ([list, current], random, direction, trigger) => {
          const next = nextItem(list, current, "SHUFFLE", random, direction, trigger);
          if (list.length > 1) expect(next).not.toBe(current);
        },
      ),
    );
  });
});
