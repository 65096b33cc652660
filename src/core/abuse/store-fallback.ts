// Runs abuse-control operations on the shared store and decides what happens when it is down
// (spec 05 §5.1, §5.2): a single node falls back to process memory, cluster mode (P2) fails closed.

import type { Clock } from "../../infra/clock.js";
import { StoreUnavailableError } from "../../infra/store/errors.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { serviceUnavailable } from "../errors.js";

/** After a failure the shared store is skipped this long, so requests do not each wait out a timeout. */
export const DEFAULT_RETRY_SHARED_AFTER_MS = 1_000;

export interface StoreFallbackOptions {
  /** Redis in production; the same in-process store as `fallback` when no Redis is configured. */
  store: ShortLivedStore;
  /** In-process store used while the shared one is unavailable. */
  fallback: ShortLivedStore;
  clock: Clock;
  /** Cluster mode (P2): answer UNAVAILABLE instead of deciding from one node's memory. */
  failClosed?: boolean;
  /** Called for every decision taken on the fallback (WARN + rate_limit_redis_fallbacks_total). */
  onFallback?: (label: string) => void;
  retrySharedAfterMs?: number;
}

export class StoreWithFallback {
  readonly #options: StoreFallbackOptions;
  readonly #retryAfterMs: number;
  #sharedDownUntil = 0;

  constructor(options: StoreFallbackOptions) {
    this.#options = options;
    this.#retryAfterMs = options.retrySharedAfterMs ?? DEFAULT_RETRY_SHARED_AFTER_MS;
  }

  /**
   * Runs `operation` on the shared store; when that store is unavailable, runs it again on the
   * fallback. A multi-step operation may have half-applied on the shared store before it failed:
   * acceptable, since those counters are lost with the store anyway. Other errors propagate.
   */
  async run<T>(label: string, operation: (store: ShortLivedStore) => Promise<T>): Promise<T> {
    if (this.#options.clock.now() >= this.#sharedDownUntil) {
      try {
        return await operation(this.#options.store);
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        this.#sharedDownUntil = this.#options.clock.now() + this.#retryAfterMs;
      }
    }
    if (this.#options.failClosed === true) {
      throw serviceUnavailable("Rate limit store unavailable");
    }
    this.#options.onFallback?.(label);
    return operation(this.#options.fallback);
  }
}
