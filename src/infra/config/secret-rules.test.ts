import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateDevSecret } from "./dev-secrets.js";
import {
  hasRepeatedChunk,
  hasSequentialRun,
  isPlaceholderSecret,
  KNOWN_PUBLIC_SECRET_VALUES,
  secretIdentity,
  secretValueProblems,
} from "./secret-rules.js";
import { freshOpaqueSetup } from "./test-fixtures.js";

describe("secret value rules", () => {
  it("placeholders and published example values are rejected", () => {
    for (const value of [
      "change-me-please-change-me-please-1234",
      "CHANGE_ME_TO_SOMETHING_LONG_AND_RANDOM_42",
      "secret",
      "PASSWORD",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      ...KNOWN_PUBLIC_SECRET_VALUES,
    ]) {
      expect(isPlaceholderSecret(value), value).toBe(true);
    }
    expect(isPlaceholderSecret(generateDevSecret("token"))).toBe(false);
  });

  it("an encryption key must be exactly 64 hex characters", () => {
    expect(secretValueProblems("hex64", randomBytes(32).toString("hex"))).toEqual([]);
    expect(secretValueProblems("hex64", randomBytes(32).toString("hex").toUpperCase())).toEqual([]);
    expect(secretValueProblems("hex64", randomBytes(31).toString("hex"))).not.toEqual([]);
    expect(secretValueProblems("hex64", `${randomBytes(31).toString("hex")}zz`)).not.toEqual([]);
    expect(secretValueProblems("hex64", "0".repeat(64))).not.toEqual([]);
  });

  it("a token needs 32 characters and two character classes", () => {
    expect(secretValueProblems("token", generateDevSecret("token"))).toEqual([]);
    expect(secretValueProblems("token", "Ab1".repeat(10))).toContain(
      "must be at least 32 characters long (after trimming)",
    );
    expect(secretValueProblems("token", "qwertyuiopasdfghjklzxcvbnmqwertyuiop")).toContain(
      "must mix at least 2 character classes (lower, upper, digits, symbols)",
    );
  });

  it("a jwt secret with low entropy, sequences or repeated chunks is rejected", () => {
    expect(secretValueProblems("jwt", generateDevSecret("jwt"))).toEqual([]);
    expect(secretValueProblems("jwt", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaB1").length).toBeGreaterThan(0);
    expect(secretValueProblems("jwt", "Xq7#Vm2!abcdPz9$Lk4&Rt6*Wn8^Yh3@Jd5%")).toContain(
      "must not contain a sequential run such as abcd or 1234",
    );
    expect(secretValueProblems("jwt", "Xq7#Vm2!Pz9$Xq7#Vm2!Pz9$Lk4&Rt6*Wn8^")).toContain(
      "must not contain a repeated chunk",
    );
    expect(secretValueProblems("jwt", "abababababababababababababababab1212")).toContain(
      "must use at least 25% distinct characters",
    );
    expect(secretValueProblems("jwt", "aAaAaAaAbBbBbBbBaAaAaAaAbBbBbBbBaAbB")).toContain(
      "must have an entropy of at least 3.5 bits per character",
    );
  });

  it("sequence and chunk detectors see runs in both directions", () => {
    expect(hasSequentialRun("xx4321yy")).toBe(true);
    expect(hasSequentialRun("xxDcBayy")).toBe(true);
    expect(hasSequentialRun("x1a2b3c4")).toBe(false);
    expect(hasRepeatedChunk("__wxyzwxyz__")).toBe(true);
    expect(hasRepeatedChunk("wxyz_wxyz")).toBe(false);
  });

  it("the OPAQUE setup must load, not just look like a serialized server setup", () => {
    const setup = freshOpaqueSetup();
    expect(secretValueProblems("opaque", setup)).toEqual([]);
    expect(secretValueProblems("opaque", generateDevSecret("token"))).toEqual([
      "must be a serialized OPAQUE server setup: 171 base64url characters (generate one with `synctv secrets opaque-setup`)",
    ]);
    // Right length and alphabet, but its keys do not decode (random bytes almost never do either).
    const lookalike = Buffer.alloc(128, 0xff).toString("base64url");
    expect(secretValueProblems("opaque", lookalike)).toEqual([
      "does not load as an OPAQUE server setup (generate one with `synctv secrets opaque-setup`)",
    ]);
  });

  it("a generated OPAQUE setup is fresh each time and passes the rules", () => {
    const first = generateDevSecret("opaque");
    expect(first).toMatch(/^[A-Za-z0-9_-]{171}$/);
    expect(generateDevSecret("opaque")).not.toBe(first);
  });

  it("the bootstrap root password needs 12 characters with upper, lower and digit", () => {
    expect(secretValueProblems("password", `Rt${randomBytes(8).toString("hex")}7`)).toEqual([]);
    expect(secretValueProblems("password", "short1A")).not.toEqual([]);
    expect(secretValueProblems("password", "root")).not.toEqual([]);
    expect(secretValueProblems("password", "alllowercase123")).not.toEqual([]);
  });

  it("messages never contain the value", () => {
    const value = "change-me-Value-That-Must-Not-Leak";
    for (const format of ["jwt", "hex64", "token", "opaque", "password"] as const) {
      for (const message of secretValueProblems(format, value)) expect(message).not.toContain(value);
    }
  });

  it("hex keys compare case-insensitively for the distinctness rule", () => {
    const key = randomBytes(32).toString("hex");
    expect(secretIdentity(key.toUpperCase())).toBe(secretIdentity(key));
    expect(secretIdentity("AbCdEfGh")).not.toBe(secretIdentity("abcdefgh"));
  });
});
