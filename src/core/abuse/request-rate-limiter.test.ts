import { afterEach, describe, expect, it } from "vitest";
import { rateLimits, unavailableStore } from "../../../test/abuse/abuse-fixtures.js";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../../../test/support/store.js";
import { ManualClock, systemClock } from "../../infra/clock.js";
import { createMemoryStore } from "../../infra/store/memory-store.js";
import { createRedisStore } from "../../infra/store/redis-store.js";
import type { ShortLivedStore } from "../../infra/store/types.js";
import { DomainError } from "../errors.js";
import type { RequestRateLimits } from "./rate-limit-policy.js";
import type { RateSubject } from "./rate-subject.js";
import { RequestRateLimiter, rateLimitKey } from "./request-rate-limiter.js";
import type { RateCategory } from "./rpc-categories.js";

const alice: RateSubject = { kind: "user", id: 7 };
const anonymous: RateSubject = { kind: "ip", ip: "203.0.113.9" };

function setup(limits: RequestRateLimits = rateLimits()) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const store = createMemoryStore({ clock });
  const limiter = new RequestRateLimiter({ store, fallback: store, limits, clock });
  return { clock, store, limiter };
}

async function rejection(call: Promise<unknown>): Promise<DomainError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

async function spend(
  limiter: RequestRateLimiter,
  scope: string,
  subject: RateSubject,
  times: number,
  category?: RateCategory,
) {
  for (let i = 0; i < times; i++) await limiter.consume(scope, subject, category);
}

describe("RequestRateLimiter", () => {
  it("rejects the 6th and 7th auth call within 60 s with RATE_LIMITED 2002 and a retry delay", async () => {
    const { clock, limiter } = setup();
    await spend(limiter, "auth", anonymous, 5);
    clock.advance(20_000);
    const sixth = await rejection(limiter.consume("auth", anonymous));
    expect(sixth.kind).toBe("RATE_LIMITED");
    expect(sixth.code).toBe(2002);
    expect(sixth.retryAfterMs).toBe(40_000);
    const seventh = await rejection(limiter.consume("auth", anonymous));
    expect(seventh.retryAfterMs).toBeGreaterThan(0);
  });

  it("allows again once the window has passed", async () => {
    const { clock, limiter } = setup();
    await spend(limiter, "auth", anonymous, 5);
    await rejection(limiter.consume("auth", anonymous));
    clock.advance(60_000);
    await expect(limiter.consume("auth", anonymous)).resolves.toBeUndefined();
  });

  it("keeps separate budgets per subject and per category", async () => {
    const { limiter } = setup();
    await spend(limiter, "auth", anonymous, 5);
    await expect(limiter.consume("auth", alice)).resolves.toBeUndefined();
    await expect(limiter.consume("auth", { kind: "ip", ip: "203.0.113.10" })).resolves.toBeUndefined();
    await expect(limiter.consume("read", anonymous)).resolves.toBeUndefined();
  });

  it("a scope override replaces the category's budget and window", async () => {
    const { clock, limiter } = setup(rateLimits({ auth: { max_requests: 2, window_seconds: 10 } }));
    await spend(limiter, "auth", alice, 2);
    const third = await rejection(limiter.consume("auth", alice));
    expect(third.retryAfterMs).toBe(10_000);
    clock.advance(10_000);
    await expect(limiter.consume("auth", alice)).resolves.toBeUndefined();
  });

  it("raising a budget in config lets a bench through", async () => {
    const limits = rateLimits();
    const { limiter } = setup({ ...limits, categories: { ...limits.categories, auth: 1000 } });
    await expect(spend(limiter, "auth", anonymous, 1000)).resolves.toBeUndefined();
  });

  it("a disabled scope never limits", async () => {
    const { limiter } = setup(rateLimits({ auth: { strategy: "disabled" } }));
    await expect(spend(limiter, "auth", anonymous, 50)).resolves.toBeUndefined();
  });

  it("a named scope takes its category's defaults until it is configured", async () => {
    const { limiter } = setup(rateLimits({ ticket: { max_requests: 1 } }));
    await limiter.consume("ticket", alice, "websocket");
    await expect(rejection(limiter.consume("ticket", alice, "websocket"))).resolves.toBeInstanceOf(DomainError);
    await spend(limiter, "room_join", alice, 120, "write");
    const over = await rejection(limiter.consume("room_join", alice, "write"));
    expect(over.metadata).toEqual({ scope: "room_join" });
  });

  it("an unknown scope without a category is a programming error, not an open door", async () => {
    const { limiter } = setup();
    await expect(limiter.consume("typo_scope", alice)).rejects.toBeInstanceOf(RangeError);
  });

  it("refresh counts per token family and per IP with their own budgets", async () => {
    const { limiter } = setup();
    const family: RateSubject = { kind: "family", userId: 7, sid: "s1" };
    await spend(limiter, "refresh", family, 30);
    await rejection(limiter.consume("refresh", family));
    await spend(limiter, "refresh", anonymous, 120);
    await rejection(limiter.consume("refresh", anonymous));
  });

  it("keys name the scope, the window length and the subject", () => {
    expect(rateLimitKey("auth", 60, anonymous)).toBe("ratelimit:auth:60s:anon:203.0.113.9");
    expect(rateLimitKey("write", 60, { kind: "guest", id: "gst_x" })).toBe("ratelimit:write:60s:guest:gst_x");
    expect(rateLimitKey("refresh", 60, { kind: "family", userId: 7, sid: "s1" })).toBe(
      "ratelimit:refresh:60s:family:7:s1",
    );
  });

  it("falls back to the in-process store when the shared one fails, and reports it", async () => {
    const clock = new ManualClock();
    const fallback = createMemoryStore({ clock });
    const reported: string[] = [];
    const limiter = new RequestRateLimiter({
      store: unavailableStore(),
      fallback,
      limits: rateLimits(),
      clock,
      onFallback: (category) => reported.push(category),
    });
    await spend(limiter, "auth", anonymous, 5);
    await rejection(limiter.consume("auth", anonymous));
    expect(reported).toEqual(["auth", "auth", "auth", "auth", "auth", "auth"]);
  });

  it("skips a failed shared store for a second instead of waiting on it for every request", async () => {
    const clock = new ManualClock();
    const down = unavailableStore();
    const limiter = new RequestRateLimiter({
      store: down,
      fallback: createMemoryStore({ clock }),
      limits: rateLimits(),
      clock,
    });
    await spend(limiter, "read", alice, 3);
    expect(down.refused).toBe(1);
    clock.advance(1_000);
    await limiter.consume("read", alice);
    expect(down.refused).toBe(2);
  });

  it("fails closed with UNAVAILABLE when configured to (cluster mode)", async () => {
    const clock = new ManualClock();
    const limiter = new RequestRateLimiter({
      store: unavailableStore(),
      fallback: createMemoryStore({ clock }),
      limits: rateLimits(),
      clock,
      failClosed: true,
    });
    const error = await rejection(limiter.consume("auth", anonymous));
    expect(error.kind).toBe("SERVICE_UNAVAILABLE");
  });
});

describe("RequestRateLimiter on Redis", () => {
  const url = testRedisUrl();
  const handles: ShortLivedStore[] = [];
  let prefix = "";

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    if (url !== undefined && prefix !== "") await deleteRedisKeysWithPrefix(url, prefix);
  });

  it.skipIf(url === undefined)(
    "two processes share one budget (needs SYNCTV_TEST_REDIS_URL, skipped otherwise)",
    async () => {
      prefix = uniqueTestKeyPrefix();
      const open = () =>
        createRedisStore({ url: url!, keyPrefix: prefix, connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 });
      handles.push(await open(), await open());
      // A day-long window so the test cannot straddle a window boundary on the Redis clock.
      const limits = rateLimits({ shared: { max_requests: 5, window_seconds: 86_400 } });
      const [a, b] = handles.map(
        (store) => new RequestRateLimiter({ store, fallback: store, limits, clock: systemClock }),
      );
      await spend(a!, "shared", alice, 3);
      await spend(b!, "shared", alice, 2);
      const sixth = await rejection(a!.consume("shared", alice));
      expect(sixth.retryAfterMs).toBeGreaterThan(0);
      await rejection(b!.consume("shared", alice));
    },
  );
});
