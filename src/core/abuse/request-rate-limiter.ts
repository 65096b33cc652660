// Request budgets shared by every transport (spec 05 §5.2): fixed windows per scope and subject in
// the shared store, with the single-node memory fallback; exceeding one is RESOURCE_EXHAUSTED 2002.

import type { Clock } from "../../infra/clock.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { rateLimited } from "../errors.js";
import { type RequestRateLimits, resolveRateLimit } from "./rate-limit-policy.js";
import { type RateSubject, subjectKey } from "./rate-subject.js";
import type { RateCategory } from "./rpc-categories.js";
import { StoreWithFallback } from "./store-fallback.js";

export interface RequestRateLimiterOptions {
  store: ShortLivedStore;
  /** In-process store used when the shared store errors on a single node. */
  fallback: ShortLivedStore;
  /** The validated `request_rate_limits` config section; benches raise budgets there. */
  limits: RequestRateLimits;
  clock: Clock;
  /** Called with the category (or named scope) of every decision taken on the fallback. */
  onFallback?: (category: string) => void;
  /** Cluster mode (P2): a store failure answers UNAVAILABLE instead of falling back. */
  failClosed?: boolean;
}

/**
 * The key is `ratelimit:<scope>:<window>s:<subject>`. The store's hitWindow aligns windows to the
 * epoch on its own clock (Redis server time) and keeps the window start inside the value, so the key
 * names the window length: changing `window_seconds` starts fresh counters instead of mixing them.
 */
export function rateLimitKey(scope: string, windowSeconds: number, subject: RateSubject): string {
  return `ratelimit:${scope}:${windowSeconds}s:${subjectKey(subject)}`;
}

export class RequestRateLimiter {
  readonly #limits: RequestRateLimits;
  readonly #stores: StoreWithFallback;

  constructor(options: RequestRateLimiterOptions) {
    this.#limits = options.limits;
    this.#stores = new StoreWithFallback(options);
  }

  /**
   * Spends one request of `scope` for `subject`, or throws RATE_LIMITED (2002) with the time until
   * the window resets. A denied request does not consume budget (hitWindow's contract), so a client
   * that waits `retry_after_ms` is let through. `category` supplies defaults for named scopes.
   */
  async consume(scope: string, subject: RateSubject, category?: RateCategory): Promise<void> {
    const limit = resolveRateLimit(this.#limits, scope, subject, category);
    if (!limit.enabled) return;
    const key = rateLimitKey(scope, limit.windowSeconds, subject);
    const windowMs = limit.windowSeconds * 1000;
    const hit = await this.#stores.run(category ?? scope, (store) => store.hitWindow(key, windowMs, limit.maxRequests));
    if (!hit.allowed) {
      throw rateLimited(hit.retryAfterMs, "Too many requests", { metadata: { scope } });
    }
  }
}
