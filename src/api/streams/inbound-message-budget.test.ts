import { describe, expect, it } from "vitest";
import { InboundMessageBudget } from "./inbound-message-budget.js";

describe("InboundMessageBudget", () => {
  it("admits the per-second budget, drops and counts the rest, and starts over the next second", () => {
    const budget = new InboundMessageBudget(3);
    const t0 = 1_700_000_000_000;
    expect([t0, t0 + 10, t0 + 20, t0 + 30, t0 + 999].map((t) => budget.admit(t))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(budget.dropped).toBe(2);
    expect(budget.admit(t0 + 1000)).toBe(true);
  });
});
