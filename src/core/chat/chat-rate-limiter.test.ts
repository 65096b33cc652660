import { describe, expect, it } from "vitest";
import { rateLimits } from "../../../test/abuse/abuse-fixtures.js";
import { ManualClock } from "../../infra/clock.js";
import { createMemoryStore } from "../../infra/store/memory-store.js";
import { DomainError } from "../errors.js";
import { ChatRateLimiter } from "./chat-rate-limiter.js";

function setup(overrides: Partial<ConstructorParameters<typeof ChatRateLimiter>[0]> = {}) {
  // Mid-second start: the 1 s window is aligned to the epoch, and the test controls the clock.
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0) + 100);
  const store = createMemoryStore({ clock });
  const limiter = new ChatRateLimiter({ store, fallback: store, clock, messagesPerSecond: 10, ...overrides });
  return { clock, limiter };
}

async function rejection(call: Promise<unknown>): Promise<DomainError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("chat send budget", () => {
  it("allows 10 messages per second per user per room, then answers RESOURCE_EXHAUSTED with retry info", async () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 10; i++) await limiter.consume(1, 7);
    const error = await rejection(limiter.consume(1, 7));
    expect(error.kind).toBe("RATE_LIMITED");
    expect(error.code).toBe(2002);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(1000);
    clock.advance(error.retryAfterMs);
    await limiter.consume(1, 7);
  });

  it("keeps separate budgets per room and per user", async () => {
    const { limiter } = setup();
    for (let i = 0; i < 10; i++) await limiter.consume(1, 7);
    await limiter.consume(2, 7);
    await limiter.consume(1, 8);
    await expect(limiter.consume(1, 7)).rejects.toThrow(DomainError);
  });

  it("honours a room_chat scope override and can be disabled", async () => {
    const limits = rateLimits();
    const strict = setup({ limits: { ...limits, scopes: { room_chat: { max_requests: 2, window_seconds: 60 } } } });
    await strict.limiter.consume(1, 7);
    await strict.limiter.consume(1, 7);
    await expect(strict.limiter.consume(1, 7)).rejects.toThrow(DomainError);
    const off = setup({ limits: { ...limits, scopes: { room_chat: { strategy: "disabled" } } } });
    for (let i = 0; i < 50; i++) await off.limiter.consume(1, 7);
  });
});
