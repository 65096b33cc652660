// The behaviour every ShortLivedStore must have, run against the in-process store and real Redis.
// Backends differ only in how time moves (harness.advance), never in what the tests expect.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StoreUnavailableError } from "./errors.js";
import type { ShortLivedStore } from "./types.js";

export interface StoreHarness {
  store: ShortLivedStore;
  /** Another instance sharing the same state, like a second server process. */
  second?: ShortLivedStore;
  /** An instance on the same backend under a different key prefix. */
  otherPrefix?: ShortLivedStore;
  /** Memory: moves the injected clock; Redis: really waits. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;
// Pub/sub delivery is asynchronous on both backends; this only bounds how long a failure takes.
const DELIVERY_WAIT = { timeout: 5_000, interval: 10 };

function collect(store: ShortLivedStore, channel: string) {
  const messages: string[] = [];
  const subscribed = store.subscribe(channel, (message) => messages.push(message));
  return { messages, subscribed };
}

export function describeStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`ShortLivedStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: ShortLivedStore;
    /** The other process when the backend has one, else the same instance. */
    let peer: ShortLivedStore;

    beforeEach(async () => {
      harness = await makeHarness();
      store = harness.store;
      peer = harness.second ?? harness.store;
    });

    afterEach(async () => {
      await harness.close();
    });

    describe("TTL keys", () => {
      it("a value can be read until it is deleted", async () => {
        await store.set("greeting", "hello", HOUR_MS);
        expect(await store.get("greeting")).toBe("hello");
        await store.del("greeting");
        expect(await store.get("greeting")).toBeNull();
      });

      it("a key expires after its TTL", async () => {
        await store.set("short", "v", 100);
        await harness.advance(250);
        expect(await store.get("short")).toBeNull();
        expect(await store.ttlMs("short")).toBeNull();
      });

      it("ttlMs reports the remaining time, and null for a missing key", async () => {
        await store.set("long", "v", HOUR_MS);
        const remaining = await store.ttlMs("long");
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(HOUR_MS);
        expect(await store.ttlMs("missing")).toBeNull();
      });

      it("set replaces the value and the TTL", async () => {
        await store.set("k", "first", 100);
        await store.set("k", "second", HOUR_MS);
        await harness.advance(250);
        expect(await store.get("k")).toBe("second");
      });

      it("a non-positive or fractional TTL is rejected", async () => {
        await expect(store.set("k", "v", 0)).rejects.toThrow(RangeError);
        await expect(store.setIfAbsent("k", "v", -5)).rejects.toThrow(RangeError);
        await expect(store.incr("k", 1, 1.5)).rejects.toThrow(RangeError);
      });
    });

    describe("single use (getDel) and single writer (setIfAbsent)", () => {
      it("getDel returns the value once and null after", async () => {
        await store.set("ticket", "actor-1", HOUR_MS);
        expect(await store.getDel("ticket")).toBe("actor-1");
        expect(await store.getDel("ticket")).toBeNull();
        expect(await store.get("ticket")).toBeNull();
      });

      it("getDel has exactly one winner among 20 concurrent callers", async () => {
        await store.set("ticket", "actor-1", HOUR_MS);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : peer).getDel("ticket")),
        );
        expect(results.filter((value) => value !== null)).toEqual(["actor-1"]);
      });

      it("getDel of an expired key returns null", async () => {
        await store.set("ticket", "actor-1", 100);
        await harness.advance(250);
        expect(await store.getDel("ticket")).toBeNull();
      });

      it("setIfAbsent has exactly one winner among concurrent callers", async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : peer).setIfAbsent("claim", `caller-${i}`, HOUR_MS),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.get("claim")).toBe(`caller-${winner}`);
      });

      it("setIfAbsent succeeds again once the key has expired", async () => {
        // Only expiry is timed here; "refused while present" is asserted with long TTLs above, so a
        // stalled event loop cannot turn a short TTL into a false failure.
        expect(await store.setIfAbsent("claim", "a", 100)).toBe(true);
        await harness.advance(250);
        expect(await store.setIfAbsent("claim", "c", HOUR_MS)).toBe(true);
        expect(await store.get("claim")).toBe("c");
      });
    });

    describe("counters", () => {
      it("incr counts from the first call and keeps its first TTL", async () => {
        expect(await store.incr("failures", 1, 5_000)).toBe(1);
        expect(await store.incr("failures", 2, HOUR_MS)).toBe(3);
        // Had the second TTL been applied, about an hour would remain.
        const remaining = await store.ttlMs("failures");
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(5_000);
      });

      it("incr starts over once the counter has expired", async () => {
        await store.incr("failures", 5, 100);
        await harness.advance(250);
        expect(await store.incr("failures", 1, HOUR_MS)).toBe(1);
      });

      it("concurrent increments from two instances are all counted", async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : peer).incr("hits", 1, HOUR_MS)));
        expect(await store.get("hits")).toBe("20");
      });
    });

    describe("fixed windows", () => {
      it("hitWindow allows exactly `limit` hits, then denies with a retry delay within the window", async () => {
        const counts: number[] = [];
        for (let i = 0; i < 5; i++) {
          const hit = await store.hitWindow("login:ip", HOUR_MS, 5);
          expect(hit.allowed).toBe(true);
          expect(hit.retryAfterMs).toBe(0);
          counts.push(hit.count);
        }
        expect(counts).toEqual([1, 2, 3, 4, 5]);
        const denied = await store.hitWindow("login:ip", HOUR_MS, 5);
        expect(denied.allowed).toBe(false);
        expect(denied.count).toBe(5);
        expect(denied.retryAfterMs).toBeGreaterThan(0);
        expect(denied.retryAfterMs).toBeLessThanOrEqual(HOUR_MS);
        expect(denied.resetAtMs % HOUR_MS).toBe(0);
      });

      it("hitWindow allows again after the window resets", async () => {
        // Windows are aligned to the epoch, so a boundary may fall anywhere in this loop: hit until
        // denied rather than assuming where the window started.
        let hit = await store.hitWindow("burst", 200, 2);
        for (let i = 0; hit.allowed && i < 50; i++) hit = await store.hitWindow("burst", 200, 2);
        expect(hit.allowed).toBe(false);
        expect(hit.retryAfterMs).toBeGreaterThan(0);
        expect(hit.retryAfterMs).toBeLessThanOrEqual(200);
        await harness.advance(hit.retryAfterMs + 50);
        const afterReset = await store.hitWindow("burst", 200, 2);
        expect(afterReset.allowed).toBe(true);
        expect(afterReset.count).toBe(1);
      });

      it("a denied hit does not consume budget", async () => {
        expect(await store.hitWindow("w", HOUR_MS, 3, 2)).toMatchObject({ allowed: true, count: 2 });
        for (let i = 0; i < 5; i++) {
          expect(await store.hitWindow("w", HOUR_MS, 3, 2)).toMatchObject({ allowed: false, count: 2 });
        }
        expect(await store.hitWindow("w", HOUR_MS, 3, 1)).toMatchObject({ allowed: true, count: 3 });
      });

      it("a limit of zero denies every hit", async () => {
        expect(await store.hitWindow("closed", HOUR_MS, 0)).toMatchObject({ allowed: false, count: 0 });
      });

      it("two instances share the same window counts (limits hold across processes)", async (context) => {
        if (harness.second === undefined) return context.skip("backend has no second instance");
        const hits = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : peer).hitWindow("shared", HOUR_MS, 6)),
        );
        expect(hits.filter((hit) => hit.allowed)).toHaveLength(6);
        expect(await peer.hitWindow("shared", HOUR_MS, 6)).toMatchObject({ allowed: false, count: 6 });
      });

      it("windows of different keys are independent", async () => {
        await store.hitWindow("a", HOUR_MS, 1);
        expect((await store.hitWindow("a", HOUR_MS, 1)).allowed).toBe(false);
        expect((await store.hitWindow("b", HOUR_MS, 1)).allowed).toBe(true);
      });
    });

    describe("leases", () => {
      it("a lease has one holder at a time", async () => {
        const grant = await store.acquireLease("cluster:leader", "node-a", HOUR_MS);
        expect(grant).not.toBeNull();
        expect(await peer.acquireLease("cluster:leader", "node-b", HOUR_MS)).toBeNull();
        expect(await store.acquireLease("cluster:leader", "node-a", HOUR_MS)).toBeNull();
        expect(await peer.getLeaseHolder("cluster:leader")).toEqual({ holderId: "node-a", token: grant?.token });
      });

      it("the fencing token increases on every hand-over", async () => {
        const tokens: number[] = [];
        for (const [instance, holder] of [
          [store, "node-a"],
          [peer, "node-b"],
          [store, "node-a"],
        ] as const) {
          const grant = await instance.acquireLease("leader", holder, HOUR_MS);
          expect(grant).not.toBeNull();
          tokens.push(grant!.token);
          expect(await instance.releaseLease("leader", holder, grant!.token)).toBe(true);
        }
        expect(tokens[1]).toBeGreaterThan(tokens[0]!);
        expect(tokens[2]).toBeGreaterThan(tokens[1]!);
        expect(await store.getLeaseHolder("leader")).toBeNull();
      });

      it("an expired lease can be taken by another holder with a larger token", async () => {
        const first = await store.acquireLease("leader", "node-a", 100);
        await harness.advance(250);
        expect(await store.getLeaseHolder("leader")).toBeNull();
        const second = await peer.acquireLease("leader", "node-b", HOUR_MS);
        expect(second?.token).toBeGreaterThan(first!.token);
        // The old holder wakes up: its token is stale, so it can neither renew nor resign.
        expect(await store.renewLease("leader", "node-a", first!.token, HOUR_MS)).toBe(false);
        expect(await store.releaseLease("leader", "node-a", first!.token)).toBe(false);
        expect(await store.getLeaseHolder("leader")).toEqual({ holderId: "node-b", token: second?.token });
      });

      it("renew and release with a stale token fail, even for the same holder", async () => {
        const old = await store.acquireLease("leader", "node-a", HOUR_MS);
        await store.releaseLease("leader", "node-a", old!.token);
        const current = await store.acquireLease("leader", "node-a", HOUR_MS);
        expect(await store.renewLease("leader", "node-a", old!.token, HOUR_MS)).toBe(false);
        expect(await store.releaseLease("leader", "node-a", old!.token)).toBe(false);
        expect(await store.releaseLease("leader", "node-a", current!.token)).toBe(true);
      });

      it("renewing with the current token keeps the lease past its first TTL", async () => {
        // A generous first TTL: only a stall of a second between acquire and renew could fail this.
        const grant = await store.acquireLease("leader", "node-a", 1_000);
        expect(await store.renewLease("leader", "node-a", grant!.token, HOUR_MS)).toBe(true);
        await harness.advance(1_200);
        expect(await peer.acquireLease("leader", "node-b", HOUR_MS)).toBeNull();
        expect(await peer.getLeaseHolder("leader")).toEqual({ holderId: "node-a", token: grant!.token });
      });

      it("another holder cannot renew or release a lease it does not hold", async () => {
        const grant = await store.acquireLease("leader", "node-a", HOUR_MS);
        expect(await peer.renewLease("leader", "node-b", grant!.token, HOUR_MS)).toBe(false);
        expect(await peer.releaseLease("leader", "node-b", grant!.token)).toBe(false);
        expect((await store.getLeaseHolder("leader"))?.holderId).toBe("node-a");
      });

      it("holder ids may contain colons", async () => {
        const grant = await store.acquireLease("leader", "node:a:epoch-3", HOUR_MS);
        expect(await store.getLeaseHolder("leader")).toEqual({ holderId: "node:a:epoch-3", token: grant!.token });
      });
    });

    describe("expiring maps", () => {
      it("fields are written, replaced and deleted one by one", async () => {
        await store.mapSet("presence", "node-a", "1", HOUR_MS);
        await store.mapSet("presence", "node-b", "2|with|bars", HOUR_MS);
        await store.mapSet("presence", "node-a", "3", HOUR_MS);
        expect(await peer.mapEntries("presence")).toEqual(
          new Map([
            ["node-a", "3"],
            ["node-b", "2|with|bars"],
          ]),
        );
        await store.mapDelete("presence", "node-a");
        await store.mapDelete("presence", "missing");
        expect(await peer.mapEntries("presence")).toEqual(new Map([["node-b", "2|with|bars"]]));
        await store.mapDelete("presence", "node-b");
        expect(await store.mapEntries("presence")).toEqual(new Map());
        expect(await store.ttlMs("presence")).toBeNull();
      });

      it("each field expires on its own, and the map with its last field", async () => {
        await store.mapSet("presence", "short", "s", 100);
        await store.mapSet("presence", "long", "l", HOUR_MS);
        await harness.advance(250);
        expect(await store.mapEntries("presence")).toEqual(new Map([["long", "l"]]));
        await store.mapSet("alone", "short", "s", 100);
        await harness.advance(250);
        expect(await store.mapEntries("alone")).toEqual(new Map());
        expect(await store.ttlMs("alone")).toBeNull();
      });

      it("refreshing a field keeps it past its first TTL", async () => {
        await store.mapSet("presence", "node-a", "1", 300);
        await harness.advance(150);
        await store.mapSet("presence", "node-a", "2", 300);
        await harness.advance(200);
        expect(await store.mapEntries("presence")).toEqual(new Map([["node-a", "2"]]));
      });
    });

    describe("pub/sub", () => {
      it("a subscriber receives messages published from the other instance, in order", async () => {
        const { messages, subscribed } = collect(peer, "room:1");
        await subscribed;
        for (const message of ["one", "two", "three"]) await store.publish("room:1", message);
        await vi.waitFor(() => expect(messages).toEqual(["one", "two", "three"]), DELIVERY_WAIT);
      });

      it("delivery is never synchronous", async () => {
        const { messages, subscribed } = collect(store, "room:1");
        await subscribed;
        const publishing = store.publish("room:1", "hello");
        expect(messages).toEqual([]);
        await publishing;
        await vi.waitFor(() => expect(messages).toEqual(["hello"]), DELIVERY_WAIT);
      });

      it("unsubscribe stops delivery", async () => {
        const stopped = collect(peer, "room:1");
        const marker = collect(peer, "room:marker");
        const unsubscribe = await stopped.subscribed;
        await marker.subscribed;
        await store.publish("room:1", "before");
        await vi.waitFor(() => expect(stopped.messages).toEqual(["before"]), DELIVERY_WAIT);

        await unsubscribe();
        await store.publish("room:1", "after");
        // Same publisher and subscriber connection: once the marker arrives, "after" would have too.
        await store.publish("room:marker", "done");
        await vi.waitFor(() => expect(marker.messages).toEqual(["done"]), DELIVERY_WAIT);
        expect(stopped.messages).toEqual(["before"]);
      });

      it("unsubscribing one handler keeps the others on the same channel", async () => {
        const kept = collect(peer, "room:1");
        const removed = collect(peer, "room:1");
        await kept.subscribed;
        await (await removed.subscribed)();
        await store.publish("room:1", "hello");
        await vi.waitFor(() => expect(kept.messages).toEqual(["hello"]), DELIVERY_WAIT);
        expect(removed.messages).toEqual([]);
      });

      it("a throwing subscriber does not stop delivery to the others", async () => {
        await peer.subscribe("room:1", () => {
          throw new Error("subscriber bug");
        });
        const { messages, subscribed } = collect(peer, "room:1");
        await subscribed;
        await store.publish("room:1", "one");
        await store.publish("room:1", "two");
        await vi.waitFor(() => expect(messages).toEqual(["one", "two"]), DELIVERY_WAIT);
      });
    });

    describe("key prefixes", () => {
      it("keys, counters, leases and channels of different prefixes don't collide", async (context) => {
        const other = harness.otherPrefix;
        if (other === undefined) return context.skip("backend has no instance with another prefix");
        expect(other.keyPrefix).not.toBe(store.keyPrefix);

        await store.set("k", "mine", HOUR_MS);
        expect(await other.get("k")).toBeNull();
        expect(await other.setIfAbsent("k", "theirs", HOUR_MS)).toBe(true);
        expect(await store.get("k")).toBe("mine");

        await store.hitWindow("w", HOUR_MS, 1);
        expect((await other.hitWindow("w", HOUR_MS, 1)).allowed).toBe(true);

        const mine = await store.acquireLease("leader", "node-a", HOUR_MS);
        const theirs = await other.acquireLease("leader", "node-b", HOUR_MS);
        expect(mine).not.toBeNull();
        expect(theirs).not.toBeNull();

        const foreign = collect(other, "room:1");
        const foreignMarker = collect(other, "room:marker");
        const own = collect(store, "room:1");
        await Promise.all([foreign.subscribed, foreignMarker.subscribed, own.subscribed]);
        await store.publish("room:1", "for-my-prefix");
        await other.publish("room:marker", "done");
        await vi.waitFor(() => expect(own.messages).toEqual(["for-my-prefix"]), DELIVERY_WAIT);
        // The marker was published after "for-my-prefix" and reaches `other` on the same subscriber
        // connection, so a leak across prefixes would have arrived first.
        await vi.waitFor(() => expect(foreignMarker.messages).toEqual(["done"]), DELIVERY_WAIT);
        expect(foreign.messages).toEqual([]);
      });
    });

    describe("lifecycle", () => {
      it("ping reports a latency", async () => {
        const latency = await store.ping();
        expect(latency).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(latency)).toBe(true);
      });

      it("a closed store rejects calls with StoreUnavailableError, and close is idempotent", async () => {
        await store.close();
        await store.close();
        await expect(store.get("k")).rejects.toThrow(StoreUnavailableError);
        await expect(store.publish("room:1", "x")).rejects.toThrow(StoreUnavailableError);
      });

      it("closing one instance leaves the shared state to the others", async (context) => {
        if (harness.second === undefined) return context.skip("backend has no second instance");
        await store.set("k", "v", HOUR_MS);
        await store.close();
        expect(await peer.get("k")).toBe("v");
      });
    });
  });
}
