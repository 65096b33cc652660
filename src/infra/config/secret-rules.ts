// Format and strength rules for one secret value (spec 05 §6, 08 §3.3).
// Every message describes the rule that failed and never contains the value itself.

import { ready as opaqueReady, server as opaqueServer } from "@serenity-kit/opaque";
import type { SecretFormat } from "./schema.js";

// The rules are synchronous, and loading an OPAQUE setup needs the library's WASM module: initialize it
// once when this module loads (a few milliseconds).
await opaqueReady;

/**
 * Values that appear in documentation, examples and test fixtures. They are public, so a deployment using
 * one of them has no secret at all. Add every example value here when writing docs or fixtures.
 */
export const KNOWN_PUBLIC_SECRET_VALUES: readonly string[] = [
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
  "your-jwt-secret-at-least-32-characters-long",
  "your-secret-key-at-least-32-characters-long",
  "replace-with-a-long-random-string-of-32-chars",
  "synctv-dev-secret-do-not-use-in-production",
  "synctv-example-management-token-0123456789",
  "Example-Strong-Secret-Do-Not-Use-42-xyzzy",
  "insecure-test-secret-for-unit-tests-only-1234",
  // Fixtures of secret-rules.test.ts that satisfy the generic token rules.
  "Xq7#Vm2!abcdPz9$Lk4&Rt6*Wn8^Yh3@Jd5%",
  "Xq7#Vm2!Pz9$Xq7#Vm2!Pz9$Lk4&Rt6*Wn8^",
];

const knownPublicValues = new Set(KNOWN_PUBLIC_SECRET_VALUES.map((value) => value.toLowerCase()));

const HEX64 = /^[0-9a-fA-F]{64}$/;
// @serenity-kit/opaque serializes the 128-byte server setup as unpadded base64url: 171 characters.
const OPAQUE_SETUP = /^[A-Za-z0-9_-]{171}$/;

export function characterClassCount(value: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  return classes.filter((pattern) => pattern.test(value)).length;
}

/** Placeholders and published values (05 §6): never acceptable as a secret. */
export function isPlaceholderSecret(value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (normalized === "") return false;
  if (normalized.startsWith("change-me") || normalized.startsWith("change_me") || normalized.startsWith("changeme")) {
    return true;
  }
  if (normalized === "secret" || normalized === "password") return true;
  if (/^(.)\1*$/su.test(normalized)) return true;
  return knownPublicValues.has(normalized);
}

/** Shannon entropy of the character distribution, in bits per character. */
export function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...value].length;
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A run of 4+ consecutive letters or digits ascending or descending (`abcd`, `4321`). */
export function hasSequentialRun(value: string, runLength = 4): boolean {
  const lower = value.toLowerCase();
  const isAlnum = (code: number) => (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
  let up = 1;
  let down = 1;
  for (let i = 1; i < lower.length; i++) {
    const prev = lower.charCodeAt(i - 1);
    const cur = lower.charCodeAt(i);
    const bothAlnum = isAlnum(prev) && isAlnum(cur);
    up = bothAlnum && cur === prev + 1 ? up + 1 : 1;
    down = bothAlnum && cur === prev - 1 ? down + 1 : 1;
    if (up >= runLength || down >= runLength) return true;
  }
  return false;
}

/** A chunk of 4+ characters immediately repeated (`abcdabcd`, `secretsecret`). */
export function hasRepeatedChunk(value: string, minChunk = 4): boolean {
  for (let size = minChunk; size * 2 <= value.length; size++) {
    for (let i = 0; i + size * 2 <= value.length; i++) {
      if (value.slice(i, i + size) === value.slice(i + size, i + size * 2)) return true;
    }
  }
  return false;
}

function strongStringProblems(value: string): string[] {
  const problems: string[] = [];
  const trimmed = value.trim();
  if (trimmed.length < 32) problems.push("must be at least 32 characters long (after trimming)");
  if (characterClassCount(trimmed) < 2) {
    problems.push("must mix at least 2 character classes (lower, upper, digits, symbols)");
  }
  if (isPlaceholderSecret(value)) problems.push("is a placeholder or a publicly known example value");
  return problems;
}

function jwtStrengthProblems(value: string): string[] {
  const problems: string[] = [];
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length === 0) return problems;
  if (new Set(trimmed).size < length * 0.25) problems.push("must use at least 25% distinct characters");
  if (hasSequentialRun(trimmed)) problems.push("must not contain a sequential run such as abcd or 1234");
  if (hasRepeatedChunk(trimmed)) problems.push("must not contain a repeated chunk");
  const perChar = entropyBitsPerChar(trimmed);
  if (perChar < 3.5) problems.push("must have an entropy of at least 3.5 bits per character");
  if (perChar * length < 128) problems.push("must have at least 128 bits of entropy in total");
  return problems;
}

/**
 * The spec's "must load" rule (05 §6): the right shape, and the library accepts it. Random bytes of the
 * right length are almost never a setup: its scalar and group element must decode, which only the library
 * can check.
 */
function opaqueSetupProblems(value: string): string[] {
  const hint = "(generate one with `synctv secrets opaque-setup`)";
  if (!OPAQUE_SETUP.test(value)) {
    return [`must be a serialized OPAQUE server setup: 171 base64url characters ${hint}`];
  }
  try {
    opaqueServer.getPublicKey(value);
    return [];
  } catch {
    // The library's message describes the deserialization step, never the value; it adds nothing here.
    return [`does not load as an OPAQUE server setup ${hint}`];
  }
}

/**
 * Problems with a non-empty secret of the given format. URL secrets are checked by the config-wide rules,
 * which know the expected scheme.
 */
export function secretValueProblems(format: SecretFormat, value: string): string[] {
  switch (format) {
    case "hex64": {
      const problems = HEX64.test(value) ? [] : ["must be exactly 64 hexadecimal characters"];
      if (isPlaceholderSecret(value)) problems.push("is a placeholder or a publicly known example value");
      return problems;
    }
    case "opaque":
      return opaqueSetupProblems(value);
    case "token":
      return strongStringProblems(value);
    case "jwt":
      return [...strongStringProblems(value), ...jwtStrengthProblems(value)];
    case "password": {
      const problems: string[] = [];
      if (value.length < 12) problems.push("must be at least 12 characters long");
      if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) {
        problems.push("must contain upper-case, lower-case and digit characters");
      }
      if (value.toLowerCase() === "root" || isPlaceholderSecret(value)) {
        problems.push("is a placeholder or a publicly known example value");
      }
      return problems;
    }
    case "url":
      return [];
  }
}

/** Normalized form for the "no two secrets may be equal" rule: hex keys compare case-insensitively. */
export function secretIdentity(value: string): string {
  const trimmed = value.trim();
  return HEX64.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}
