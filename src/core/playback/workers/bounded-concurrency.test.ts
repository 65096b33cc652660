import { describe, expect, it } from "vitest";
import { forEachWithConcurrency } from "./bounded-concurrency.js";

describe("bounded concurrency", () => {
  it("runs every item with at most `limit` in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push(item);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("does nothing for no items", async () => {
    await forEachWithConcurrency([], 4, async () => {
      throw new Error("not called");
    });
  });
});
