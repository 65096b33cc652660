import { afterEach, describe, expect, it } from "vitest";
import { unavailableStore } from "../../../test/abuse/abuse-fixtures.js";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../../../test/support/store.js";
import { ManualClock, systemClock } from "../../infra/clock.js";
import { createMemoryStore, createMemoryStoreState } from "../../infra/store/memory-store.js";
import { createRedisStore } from "../../infra/store/redis-store.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { AppCode, DomainError } from "../errors.js";
import { accountKey, BruteForceGuard } from "./brute-force-guard.js";

const IP = "198.51.100.1";
const OTHER_IP = "198.51.100.2";
const alice = accountKey("login", "username:alice");

function setup() {
  const clock = new ManualClock();
  const store = createMemoryStore({ clock });
  return { clock, guard: new BruteForceGuard({ store, fallback: store, clock }) };
}

async function fail(guard: BruteForceGuard, account: string, times: number, ip = IP) {
  for (let i = 0; i < times; i++) await guard.recordFailure(account, ip);
}

/** The remaining lock in ms, or 0 when check lets the attempt through. */
async function lockRemaining(guard: BruteForceGuard, account: string, ip = OTHER_IP): Promise<number> {
  try {
    await guard.check(account, ip);
    return 0;
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== AppCode.LOCKED_OUT || e.kind !== "RATE_LIMITED") throw e;
    return e.retryAfterMs;
  }
}

describe("BruteForceGuard account tiers", () => {
  it("4 failures do not lock; the 5th locks for exactly 60 s", async () => {
    const { clock, guard } = setup();
    await fail(guard, alice, 4);
    expect(await lockRemaining(guard, alice)).toBe(0);
    await fail(guard, alice, 1);
    expect(await lockRemaining(guard, alice)).toBe(60_000);
    clock.advance(59_999);
    expect(await lockRemaining(guard, alice)).toBe(1);
    clock.advance(1);
    expect(await lockRemaining(guard, alice)).toBe(0);
  });

  it("the 9th failure still locks 60 s, the 10th 300 s", async () => {
    const { guard } = setup();
    await fail(guard, alice, 9);
    expect(await lockRemaining(guard, alice)).toBe(60_000);
    await fail(guard, alice, 1);
    expect(await lockRemaining(guard, alice)).toBe(300_000);
  });

  it("the 14th failure still locks 300 s, the 15th and later 900 s", async () => {
    const { clock, guard } = setup();
    await fail(guard, alice, 14);
    expect(await lockRemaining(guard, alice)).toBe(300_000);
    await fail(guard, alice, 1);
    expect(await lockRemaining(guard, alice)).toBe(900_000);
    clock.advance(899_999);
    await fail(guard, alice, 1);
    expect(await lockRemaining(guard, alice)).toBe(900_000);
  });

  it("failures are forgotten 900 s after the last one, not after the first", async () => {
    const { clock, guard } = setup();
    await fail(guard, alice, 4);
    clock.advance(800_000);
    await fail(guard, alice, 3);
    clock.advance(899_999);
    const tally = await guard.recordFailure(alice, IP);
    expect(tally.accountFailures).toBe(8);
    clock.advance(900_000);
    expect((await guard.recordFailure(alice, IP)).accountFailures).toBe(1);
  });

  it("a decoy account (unknown identifier) locks exactly like a real one", async () => {
    const { guard } = setup();
    const decoy = accountKey("login", "username:nobody-has-this-name");
    await fail(guard, decoy, 5);
    expect(await lockRemaining(guard, decoy)).toBe(60_000);
  });

  it("namespaces keep a room password's counter apart from a login's", async () => {
    const { guard } = setup();
    await fail(guard, accountKey("room", `42:${IP}`), 5);
    expect(await lockRemaining(guard, accountKey("room", `42:${IP}`))).toBe(60_000);
    expect(await lockRemaining(guard, accountKey("login", `42:${IP}`))).toBe(0);
  });

  it("refuses an account key without a namespace", async () => {
    const { guard } = setup();
    await expect(guard.check("alice", IP)).rejects.toBeInstanceOf(RangeError);
  });
});

describe("BruteForceGuard per IP", () => {
  it("20 failures from one IP across different accounts lock the IP for 600 s", async () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 19; i++) await guard.recordFailure(accountKey("login", `username:user${i}`), IP);
    expect(await lockRemaining(guard, accountKey("login", "username:fresh"), IP)).toBe(0);
    await guard.recordFailure(accountKey("login", "username:user19"), IP);
    expect(await lockRemaining(guard, accountKey("login", "username:fresh"), IP)).toBe(600_000);
    expect(await lockRemaining(guard, accountKey("login", "username:fresh"), OTHER_IP)).toBe(0);
    clock.advance(600_000);
    expect(await lockRemaining(guard, accountKey("login", "username:fresh"), IP)).toBe(0);
  });

  it("failures spread over more than 600 s do not lock the IP", async () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 19; i++) await guard.recordFailure(accountKey("login", `username:user${i}`), IP);
    clock.advance(600_000);
    await guard.recordFailure(accountKey("login", "username:late"), IP);
    expect(await lockRemaining(guard, accountKey("login", "username:fresh"), IP)).toBe(0);
  });

  it("a success resets the account but not the IP", async () => {
    const { guard } = setup();
    await fail(guard, alice, 5);
    await guard.reset(alice);
    expect(await lockRemaining(guard, alice)).toBe(0);
    const tally = await guard.recordFailure(alice, IP);
    expect(tally).toEqual({ accountFailures: 1, ipFailures: 6 });
  });
});

describe("BruteForceGuard stores", () => {
  it("two processes on one store see the same lock", async () => {
    const clock = new ManualClock();
    const state = createMemoryStoreState();
    const [a, b] = [0, 1].map(() => {
      const store = createMemoryStore({ clock, state });
      return new BruteForceGuard({ store, fallback: store, clock });
    });
    await fail(a!, alice, 3);
    await fail(b!, alice, 2);
    expect(await lockRemaining(a!, alice)).toBe(60_000);
  });

  it("falls back to the in-process store when the shared one fails, and reports it", async () => {
    const clock = new ManualClock();
    const labels: string[] = [];
    const guard = new BruteForceGuard({
      store: unavailableStore(),
      fallback: createMemoryStore({ clock }),
      clock,
      onFallback: (label) => labels.push(label),
    });
    await fail(guard, alice, 5);
    expect(await lockRemaining(guard, alice)).toBe(60_000);
    expect(labels).toHaveLength(6);
    expect(new Set(labels)).toEqual(new Set(["brute_force"]));
  });

  it("fails closed with UNAVAILABLE when configured to (cluster mode)", async () => {
    const clock = new ManualClock();
    const guard = new BruteForceGuard({
      store: unavailableStore(),
      fallback: createMemoryStore({ clock }),
      clock,
      failClosed: true,
    });
    await expect(guard.check(alice, IP)).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.kind === "SERVICE_UNAVAILABLE",
    );
  });

  describe("on Redis", () => {
    const url = testRedisUrl();
    const handles: ShortLivedStore[] = [];
    let prefix = "";

    afterEach(async () => {
      await Promise.all(handles.splice(0).map((h) => h.close()));
      if (url !== undefined && prefix !== "") await deleteRedisKeysWithPrefix(url, prefix);
    });

    it.skipIf(url === undefined)(
      "a lock recorded through one handle holds on another (needs SYNCTV_TEST_REDIS_URL, skipped otherwise)",
      async () => {
        prefix = uniqueTestKeyPrefix();
        const open = () =>
          createRedisStore({ url: url!, keyPrefix: prefix, connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 });
        handles.push(await open(), await open());
        const [a, b] = handles.map((store) => new BruteForceGuard({ store, fallback: store, clock: systemClock }));
        await Promise.all([fail(a!, alice, 3), fail(b!, alice, 2)]);
        const remaining = await lockRemaining(b!, alice);
        expect(remaining).toBeGreaterThan(55_000);
        expect(remaining).toBeLessThanOrEqual(60_000);
        await b!.reset(alice);
        expect(await lockRemaining(a!, alice)).toBe(0);
      },
    );
  });
});
