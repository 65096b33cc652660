import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../clock.js";
import { createMemoryStore, createMemoryStoreState } from "./memory-store.js";
import { describeStoreContract } from "./store.contract.js";

describeStoreContract("memory", async () => {
  const clock = new ManualClock();
  // One state, several handles: the in-process picture of several processes on one Redis.
  const state = createMemoryStoreState();
  const store = createMemoryStore({ clock, state });
  const second = createMemoryStore({ clock, state });
  const otherPrefix = createMemoryStore({ clock, state, keyPrefix: "other:" });
  return {
    store,
    second,
    otherPrefix,
    advance: async (ms) => clock.advance(ms),
    close: async () => {
      await Promise.all([store.close(), second.close(), otherPrefix.close()]);
    },
  };
});

describe("memory store specifics", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keys nobody reads again are swept once expired", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const clock = new ManualClock();
    const state = createMemoryStoreState();
    const store = createMemoryStore({ clock, state, sweepIntervalMs: 1_000 });
    await store.set("a", "1", 100);
    await store.set("b", "2", 10_000);
    clock.advance(500);
    vi.advanceTimersByTime(1_000);
    expect(state.keyspace.size).toBe(1);
    await store.close();
  });

  it("close stops the sweep timer", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const store = createMemoryStore({ clock: new ManualClock() });
    expect(vi.getTimerCount()).toBe(1);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("beyond maxEntries the oldest written key is evicted", async () => {
    const state = createMemoryStoreState({ maxEntries: 3 });
    const store = createMemoryStore({ clock: new ManualClock(), state });
    for (const key of ["a", "b", "c", "d"]) await store.set(key, key, 60_000);
    expect(state.keyspace.size).toBe(3);
    expect(await store.get("a")).toBeNull();
    expect(await store.get("d")).toBe("d");
    await store.close();
  });

  it("fencing counters survive the lease's expiry and the sweep", async () => {
    const clock = new ManualClock();
    const state = createMemoryStoreState();
    const store = createMemoryStore({ clock, state });
    const first = await store.acquireLease("leader", "a", 100);
    clock.advance(200);
    state.keyspace.sweep(clock.now());
    const second = await store.acquireLease("leader", "b", 100);
    expect(second!.token).toBeGreaterThan(first!.token);
    await store.close();
  });

  it("a subscriber that throws is reported through onError", async () => {
    const onError = vi.fn();
    const store = createMemoryStore({ clock: new ManualClock(), onError });
    await store.subscribe("c", () => {
      throw new Error("boom");
    });
    await store.publish("c", "m");
    await vi.waitFor(() => expect(onError).toHaveBeenCalledOnce());
    await store.close();
  });
});
