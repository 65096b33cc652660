import { describe, expect, it } from "vitest";
import { bearerMatches } from "./management-token.js";

describe("the management bearer check", () => {
  const token = "a-long-management-token-0123456789abcdef";
  it("accepts exactly the configured token", () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
  });
  it("refuses a missing header, another scheme, a prefix or a longer value", () => {
    expect(bearerMatches(null, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(0, 10)}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches("Bearer ", token)).toBe(false);
  });
});
