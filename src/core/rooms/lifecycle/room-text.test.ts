import { describe, expect, it } from "vitest";
import { assertPasswordPolicy, checkRoomPassword } from "../settings/password-rules.js";
import { normalizeRoomDescription, normalizeRoomName } from "./room-text.js";

const invalid = expect.objectContaining({ kind: "INVALID_ARGUMENT" });

describe("room names and descriptions (04 §2.2)", () => {
  it("trims names and accepts 1–100 characters without angle brackets", () => {
    expect(normalizeRoomName("  Movie night ")).toBe("Movie night");
    expect(normalizeRoomName("x".repeat(100))).toHaveLength(100);
    for (const bad of ["", "   ", "x".repeat(101), "a<b", "a>b"]) expect(() => normalizeRoomName(bad)).toThrow(invalid);
  });

  it("counts characters, not UTF-16 units", () => {
    expect(normalizeRoomName("🎬".repeat(100))).toHaveLength(200);
  });

  it("descriptions: at most 500 characters, no angle brackets, may be empty", () => {
    expect(normalizeRoomDescription("")).toBe("");
    expect(() => normalizeRoomDescription("x".repeat(501))).toThrow(invalid);
    expect(() => normalizeRoomDescription("<script>")).toThrow(invalid);
  });
});

describe("room password rules (04 §4)", () => {
  it("4–128 characters after trimming; the password itself is kept as sent", () => {
    expect(checkRoomPassword(" abcd ")).toBe(" abcd ");
    for (const bad of ["abc", "  ab  ", "x".repeat(129)]) expect(() => checkRoomPassword(bad)).toThrow(invalid);
  });

  it("REQUIRED blocks a room without a password, FORBIDDEN one with a password (3110)", () => {
    const policy = expect.objectContaining({ code: 3110 });
    expect(() => assertPasswordPolicy("required", false)).toThrow(policy);
    expect(() => assertPasswordPolicy("forbidden", true)).toThrow(policy);
    assertPasswordPolicy("optional", true);
    assertPasswordPolicy("optional", false);
    assertPasswordPolicy("required", true);
    assertPasswordPolicy("forbidden", false);
  });
});
