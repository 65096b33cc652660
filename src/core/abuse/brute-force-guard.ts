// Credential brute-force lockouts (spec 05 §5.1): escalating locks per account key and a flat lock
// per client IP, kept in the shared store with the same fallback rules as request rate limits.

import type { Clock } from "../../infra/clock.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { AppCode, rateLimited } from "../errors.js";
import { StoreWithFallback } from "./store-fallback.js";

const SECOND = 1_000;
/** Account failures are forgotten this long after the last one. */
export const ACCOUNT_FAILURE_MEMORY_MS = 900 * SECOND;
/** Highest tier first: the first whose threshold the failure count reaches applies. */
export const ACCOUNT_LOCK_TIERS: readonly { failures: number; lockMs: number }[] = [
  { failures: 15, lockMs: 900 * SECOND },
  { failures: 10, lockMs: 300 * SECOND },
  { failures: 5, lockMs: 60 * SECOND },
];
export const IP_FAILURE_WINDOW_MS = 600 * SECOND;
export const IP_FAILURE_THRESHOLD = 20;
export const IP_LOCK_MS = 600 * SECOND;

/**
 * A generation lasts while failures keep coming less than ACCOUNT_FAILURE_MEMORY_MS apart. It cannot
 * outlive 15 failures: from the 15th on, each failure locks for the whole memory span, so the
 * generation has expired by the time the next attempt is allowed. Its counter lives a little longer.
 */
const GENERATION_COUNTER_TTL_MS = (ACCOUNT_LOCK_TIERS[0]!.failures + 1) * ACCOUNT_FAILURE_MEMORY_MS;

export interface BruteForceGuardOptions {
  store: ShortLivedStore;
  fallback: ShortLivedStore;
  clock: Clock;
  onFallback?: (label: string) => void;
  /** Cluster mode (P2): a store failure answers UNAVAILABLE instead of falling back. */
  failClosed?: boolean;
}

export interface FailureTally {
  accountFailures: number;
  /** 0 when the IP was not counted (no address known). */
  ipFailures: number;
}

/** Builds a namespaced account key, e.g. `accountKey("room", "42:10.0.0.1")` for a room password per IP. */
export function accountKey(namespace: string, id: string): string {
  return `${namespace}:${id}`;
}

const accountBase = (account: string) => `bruteforce:account:${account}`;
const generationKey = (account: string) => `${accountBase(account)}:generation`;
const failuresKey = (account: string, generation: string) => `${accountBase(account)}:failures:${generation}`;
const accountLockKey = (account: string, lockMs: number) => `${accountBase(account)}:lock:${lockMs / SECOND}`;
const ipFailuresKey = (ip: string) => `bruteforce:ip:${ip}:failures`;
const ipLockKey = (ip: string) => `bruteforce:ip:${ip}:lock`;

/**
 * Atomicity relied on: only the store's single-key atomic operations. `incr` counts without losing
 * concurrent failures (creating the key with its TTL in one step); `setIfAbsent` elects one failure
 * counter ("generation") when several processes record the first failure at once; `ttlMs` reads locks.
 * The store cannot extend a counter's TTL atomically, so "forget 900 s after the last failure" is a
 * generation marker whose TTL every failure refreshes with `set`, pointing at a counter that outlives
 * it. Each tier has its own lock key, so concurrent failures cannot shorten a longer lock by
 * overwriting it. Checks happen before the expensive work, so a burst sent in parallel all passes the
 * check, but every failure in it is counted and locks what follows.
 */
export class BruteForceGuard {
  readonly #clock: Clock;
  readonly #stores: StoreWithFallback;

  constructor(options: BruteForceGuardOptions) {
    this.#clock = options.clock;
    this.#stores = new StoreWithFallback(options);
  }

  /** Throws RATE_LIMITED 2201 with the remaining lock time while the account key or the IP is locked. */
  async check(account: string, ip: string): Promise<void> {
    assertNamespaced(account);
    const remaining = await this.#stores.run("brute_force", (store) =>
      Promise.all([
        ...ACCOUNT_LOCK_TIERS.map((tier) => store.ttlMs(accountLockKey(account, tier.lockMs))),
        ip === "" ? null : store.ttlMs(ipLockKey(ip)),
      ]),
    );
    const retryAfterMs = Math.max(0, ...remaining.map((ms) => ms ?? 0));
    if (retryAfterMs > 0) throw rateLimited(retryAfterMs, "Too many attempts", { code: AppCode.LOCKED_OUT });
  }

  /** Counts a failed attempt against the account key and the IP, locking either when it reaches a tier. */
  async recordFailure(account: string, ip: string): Promise<FailureTally> {
    assertNamespaced(account);
    return this.#stores.run("brute_force", async (store) => {
      const [accountFailures, ipFailures] = await Promise.all([
        this.#countAccountFailure(store, account),
        ip === "" ? 0 : this.#countIpFailure(store, ip),
      ]);
      return { accountFailures, ipFailures };
    });
  }

  /** After a successful attempt: forgets the account's failures and locks. The IP keeps its count. */
  async reset(account: string): Promise<void> {
    assertNamespaced(account);
    await this.#stores.run("brute_force", async (store) => {
      const generation = await store.get(generationKey(account));
      await Promise.all([
        store.del(generationKey(account)),
        generation === null ? undefined : store.del(failuresKey(account, generation)),
        ...ACCOUNT_LOCK_TIERS.map((tier) => store.del(accountLockKey(account, tier.lockMs))),
      ]);
    });
  }

  async #countAccountFailure(store: ShortLivedStore, account: string): Promise<number> {
    const generation = await this.#currentGeneration(store, account);
    const failures = await store.incr(failuresKey(account, generation), 1, GENERATION_COUNTER_TTL_MS);
    // Refreshing the marker's TTL is what makes failures expire 900 s after the last one.
    await store.set(generationKey(account), generation, ACCOUNT_FAILURE_MEMORY_MS);
    const tier = ACCOUNT_LOCK_TIERS.find((t) => failures >= t.failures);
    if (tier !== undefined) await store.set(accountLockKey(account, tier.lockMs), "1", tier.lockMs);
    return failures;
  }

  /** The live generation, or a new one named after the current time (generations are ≥ 900 s apart). */
  async #currentGeneration(store: ShortLivedStore, account: string): Promise<string> {
    const existing = await store.get(generationKey(account));
    if (existing !== null) return existing;
    const fresh = String(this.#clock.now());
    if (await store.setIfAbsent(generationKey(account), fresh, ACCOUNT_FAILURE_MEMORY_MS)) return fresh;
    return (await store.get(generationKey(account))) ?? fresh;
  }

  async #countIpFailure(store: ShortLivedStore, ip: string): Promise<number> {
    // The window opens at the IP's first failure: incr sets the TTL only when it creates the key.
    const failures = await store.incr(ipFailuresKey(ip), 1, IP_FAILURE_WINDOW_MS);
    if (failures >= IP_FAILURE_THRESHOLD) await store.set(ipLockKey(ip), "1", IP_LOCK_MS);
    return failures;
  }
}

/** Keys carry a namespace (`login:`, `mfa:`, `room:`) so one subject's counters never meet another's. */
function assertNamespaced(account: string): void {
  if (!/^[^:]+:./.test(account)) throw new RangeError(`brute-force account key needs a namespace: "${account}"`);
}
