import { describe, expect, it } from "vitest";
import { PeriodicTask } from "./periodic-task.js";

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("periodic task", () => {
  it("ticks repeatedly once started and never runs two ticks at once", async () => {
    let running = 0;
    let overlapped = false;
    let ticks = 0;
    const task = new PeriodicTask(async () => {
      running++;
      if (running > 1) overlapped = true;
      await wait(15);
      ticks++;
      running--;
    }, 1);
    task.start();
    await wait(120);
    await task.stop();
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(overlapped).toBe(false);
  });

  it("stop waits for the tick in flight and schedules no further tick", async () => {
    let finished = 0;
    let started = 0;
    const task = new PeriodicTask(async () => {
      started++;
      await wait(40);
      finished++;
    }, 1);
    task.start();
    await wait(10);
    await task.stop();
    expect(started).toBe(1);
    expect(finished).toBe(1);
    await wait(30);
    expect(started).toBe(1);
  });

  it("a failing tick does not end the schedule", async () => {
    let calls = 0;
    const task = new PeriodicTask(async () => {
      calls++;
      throw new Error("boom");
    }, 1);
    task.start();
    await wait(50);
    await task.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it("a task that was never started stops at once", async () => {
    await new PeriodicTask(async () => {}, 1000).stop();
  });
});
