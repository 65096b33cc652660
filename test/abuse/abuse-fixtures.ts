// Shared builders for abuse-control tests: limits from the real config defaults, and a shared store
// that is down (every call rejects like Redis does when unreachable).

import type { RequestRateLimits } from "../../src/core/abuse/rate-limit-policy.js";
import { defaultConfig } from "../../src/infra/config/schema.js";
import { StoreUnavailableError } from "../../src/infra/store/errors.js";
import type { ShortLivedStore } from "../../src/infra/store/types.js";

/** The default `request_rate_limits` section with `scopes` replaced. */
export function rateLimits(scopes: RequestRateLimits["scopes"] = {}): RequestRateLimits {
  return { ...defaultConfig().request_rate_limits, scopes };
}

/** A store whose every operation rejects with StoreUnavailableError; counts the calls it refused. */
export function unavailableStore(): ShortLivedStore & { refused: number } {
  const state = { refused: 0 };
  const handler: ProxyHandler<object> = {
    get(_target, property) {
      if (property === "refused") return state.refused;
      if (property === "kind") return "redis";
      if (property === "keyPrefix") return "down:";
      return () => {
        state.refused += 1;
        return Promise.reject(new StoreUnavailableError("redis is down"));
      };
    },
  };
  return new Proxy({}, handler) as ShortLivedStore & { refused: number };
}
