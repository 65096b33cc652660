import { describe, expect, it } from "vitest";
import { canonicalUsername, RESERVED_USERNAMES, usernameViolations } from "./username-rules.js";

const rules = (name: string, selfSignup = true) => usernameViolations(name, { selfSignup }).map((v) => v.rule);

describe("username rules", () => {
  it("accept 3–50 characters of letters, digits, '_' and '-'", () => {
    expect(rules("bob")).toEqual([]);
    expect(rules("Alice_the-2nd")).toEqual([]);
    expect(rules("a".repeat(50))).toEqual([]);
  });

  it("reject names shorter than 3 or longer than 50 characters", () => {
    expect(rules("ab")).toEqual(["length"]);
    expect(rules("a".repeat(51))).toEqual(["length"]);
    expect(rules("")).toEqual(["length"]);
  });

  it("reject spaces, dots, '@' and non-ASCII letters", () => {
    expect(rules("al ice")).toEqual(["charset"]);
    expect(rules("a.b.c")).toEqual(["charset"]);
    expect(rules("me@home")).toEqual(["charset"]);
    expect(rules("jürgen")).toEqual(["charset"]);
  });

  it("report every broken rule at once, all on the username field", () => {
    const violations = usernameViolations("a!", { selfSignup: true });
    expect(violations.map((v) => v.rule)).toEqual(["length", "charset"]);
    expect(violations.every((v) => v.field === "username" && v.description !== "")).toBe(true);
  });

  it("reserve staff-like names for self-signup, case-insensitively", () => {
    expect(rules("admin")).toEqual(["reserved"]);
    expect(rules("Root")).toEqual(["reserved"]);
    expect(rules("SECURITY")).toEqual(["reserved"]);
    expect(rules("admin2")).toEqual([]);
    expect(RESERVED_USERNAMES.size).toBe(19);
  });

  it("let an administrator create a reserved name", () => {
    expect(rules("root", false)).toEqual([]);
  });

  it("compare usernames case-insensitively through the canonical form", () => {
    expect(canonicalUsername("Alice")).toBe(canonicalUsername("aLiCe"));
    expect(canonicalUsername("Alice_1")).toBe("alice_1");
  });
});
