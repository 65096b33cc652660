// Turns the `request_rate_limits` config (spec 08 §3.2, 05 §5.2) into the numbers for one scope:
// category defaults, then the per-scope override {max_requests, window_seconds, strategy}.

import type { Config } from "../../infra/config/load.js";
import type { RateSubject } from "./rate-subject.js";
import { RATE_CATEGORIES, type RateCategory } from "./rpc-categories.js";

export type RequestRateLimits = Config["request_rate_limits"];

/** Category budgets are per 60 s (02 §2.9); only a scope override changes the window. */
export const DEFAULT_WINDOW_SECONDS = 60;

export type ResolvedRateLimit = { enabled: false } | { enabled: true; maxRequests: number; windowSeconds: number };

export function isRateCategory(scope: string): scope is RateCategory {
  return (RATE_CATEGORIES as readonly string[]).includes(scope);
}

/** The category default; `refresh` has two budgets, per token family and per client IP. */
function categoryDefault(limits: RequestRateLimits, category: RateCategory, subject: RateSubject): number {
  const { categories } = limits;
  if (category === "refresh") {
    return subject.kind === "family" ? categories.refresh.per_family : categories.refresh.per_ip;
  }
  return categories[category];
}

/**
 * Limits for `scope`. A scope is a category name, or a named scope (`room_join`, `ticket`, …) whose
 * defaults come from `category`. A named scope without a category must be fully configured; anything
 * else is a programming error, reported loudly rather than left unlimited.
 */
export function resolveRateLimit(
  limits: RequestRateLimits,
  scope: string,
  subject: RateSubject,
  category?: RateCategory,
): ResolvedRateLimit {
  const override = limits.scopes[scope];
  if (override?.strategy === "disabled") return { enabled: false };
  const base = category ?? (isRateCategory(scope) ? scope : undefined);
  const maxRequests =
    override?.max_requests ?? (base === undefined ? undefined : categoryDefault(limits, base, subject));
  if (maxRequests === undefined) {
    throw new RangeError(`rate-limit scope "${scope}" has no category and no configured max_requests`);
  }
  return { enabled: true, maxRequests, windowSeconds: override?.window_seconds ?? DEFAULT_WINDOW_SECONDS };
}
