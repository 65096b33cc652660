import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { MAX_KICK_COOLDOWN_SECONDS, validCooldownSeconds } from "./kick-cooldowns.js";
import { checkReason } from "./leave-and-kick.js";
import { pageOf } from "./member-listing.js";

const code = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe("kick cooldown seconds", () => {
  it("accepts 1 through 2 592 000 whole seconds", () => {
    expect(validCooldownSeconds(1)).toBe(1);
    expect(validCooldownSeconds(MAX_KICK_COOLDOWN_SECONDS)).toBe(2_592_000);
  });

  it("refuses a missing, zero, fractional or too long cooldown with 3000", () => {
    for (const s of [undefined, 0, -1, 1.5, 2_592_001]) {
      expect(code(() => validCooldownSeconds(s))).toBe(3000);
    }
  });
});

describe("reasons", () => {
  it("allow 500 characters (counted as code points), not 501", () => {
    expect(code(() => checkReason("é".repeat(500)))).toBe(0);
    expect(code(() => checkReason("x".repeat(501)))).toBe(3000);
  });
});

describe("page style pagination", () => {
  it("maps page 0 to 1 and size 0 to 20, capping at 100", () => {
    expect(pageOf(0, 0)).toEqual({ offset: 0, limit: 20 });
    expect(pageOf(3, 10)).toEqual({ offset: 20, limit: 10 });
    expect(pageOf(2, 500)).toEqual({ offset: 100, limit: 100 });
  });
});
