import { describe, expect, it } from "vitest";
import { type PasswordPolicy, passwordPolicyViolations } from "./password-policy.js";

// The defaults of 05 §1 / the password_complexity config section.
const defaults: PasswordPolicy = {
  min_length: 8,
  max_length: 128,
  require_upper: true,
  require_lower: true,
  require_digit: true,
  require_special: false,
  max_repeated_chars: 3,
};

const rules = (password: string, policy: Partial<PasswordPolicy> = {}) =>
  passwordPolicyViolations(password, { ...defaults, ...policy }).map((v) => v.rule);

describe("password policy", () => {
  it("accepts 8–128 characters with upper, lower and digit by default", () => {
    expect(rules("Sunny2day")).toEqual([]);
    expect(rules(`Aa1${"xy".repeat(62)}a`)).toEqual([]);
  });

  it("rejects passwords outside the length bounds", () => {
    expect(rules("Aa1bcde")).toEqual(["min_length"]);
    expect(rules(`Aa1${"xy".repeat(63)}`)).toEqual(["max_length"]);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(rules("Aa1🎬🍿🎬🍿")).toEqual(["min_length"]);
    expect(rules("Aa1🎬🍿🎬🍿x")).toEqual([]);
  });

  it("requires each enabled character class", () => {
    expect(rules("sunny2day")).toEqual(["require_upper"]);
    expect(rules("SUNNY2DAY")).toEqual(["require_lower"]);
    expect(rules("SunnyDays")).toEqual(["require_digit"]);
    expect(rules("Sunny2day", { require_special: true })).toEqual(["require_special"]);
    expect(rules("Sunny2day!", { require_special: true })).toEqual([]);
  });

  it("treats non-ASCII letters as letters, not as special characters", () => {
    expect(rules("Ärger2über")).toEqual([]);
    expect(rules("Ärger2über", { require_special: true })).toEqual(["require_special"]);
  });

  it("skips classes the policy does not require", () => {
    expect(rules("lowercaseonly", { require_upper: false, require_digit: false })).toEqual([]);
  });

  it("rejects a character repeated more than max_repeated_chars times in a row, unless the rule is off", () => {
    expect(rules("Suuunny2day")).toEqual([]);
    expect(rules("Suuuunny2day")).toEqual(["max_repeated_chars"]);
    expect(rules("Suuuunny2day", { max_repeated_chars: 0 })).toEqual([]);
  });

  it("reports every violation on the password field with a description", () => {
    const violations = passwordPolicyViolations("aaaa", defaults);
    expect(violations.map((v) => v.rule)).toEqual([
      "min_length",
      "require_upper",
      "require_digit",
      "max_repeated_chars",
    ]);
    expect(violations.every((v) => v.field === "password" && v.description !== "")).toBe(true);
  });
});
