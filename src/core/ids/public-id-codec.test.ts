import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { MAX_PUBLIC_ID_LENGTH, PublicIdCodec, type PublicIdPrefix, shuffledAlphabet } from "./public-id-codec.js";

const codec = new PublicIdCodec("test-key-for-public-ids-7f3a9c");
const otherCodec = new PublicIdCodec("another-key-for-public-ids-21bd");

const prefixes: PublicIdPrefix[] = [
  "usr",
  "room",
  "gst",
  "pl",
  "med",
  "ph",
  "msg",
  "rev",
  "report",
  "roomcat",
  "roomlbl",
  "ntf",
  "file",
  "upl",
];
const prefix = fc.constantFrom(...prefixes);
const id = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
// Row ids as they really occur (bigserial), plus epoch milliseconds for [id, created_at_ms] pairs.
const rowId = fc.integer({ min: 1, max: 2 ** 40 });
const createdAtMs = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2100, 0, 1) });

function invalidArgumentCode(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.kind === "INVALID_ARGUMENT") return e.code;
    throw e;
  }
  return undefined;
}

describe("public id codec", () => {
  it("the alphabet is a key-dependent permutation of base62", () => {
    const alphabet = shuffledAlphabet("k1");
    expect([...alphabet].sort().join("")).toBe(
      [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"].sort().join(""),
    );
    expect(shuffledAlphabet("k1")).toBe(alphabet);
    expect(shuffledAlphabet("k2")).not.toBe(alphabet);
  });

  it("ids have the form <prefix>_<base62> and fit in 64 characters", () => {
    fc.assert(
      fc.property(prefix, id, (p, n) => {
        const encoded = codec.encode(p, n);
        expect(encoded).toMatch(new RegExp(`^${p}_[A-Za-z0-9]{8,}$`));
        expect(encoded.length).toBeLessThanOrEqual(MAX_PUBLIC_ID_LENGTH);
      }),
    );
  });

  it("any id round-trips", () => {
    fc.assert(
      fc.property(prefix, id, (p, n) => {
        expect(codec.decode(p, codec.encode(p, n))).toBe(n);
      }),
    );
  });

  it("[id, created_at_ms] pairs round-trip", () => {
    fc.assert(
      fc.property(fc.constantFrom<PublicIdPrefix>("msg", "ph"), rowId, createdAtMs, (p, n, at) => {
        const encoded = codec.encodeMany(p, [n, at]);
        expect(encoded.length).toBeLessThanOrEqual(MAX_PUBLIC_ID_LENGTH);
        expect(codec.decodeMany(p, encoded)).toEqual([n, at]);
      }),
    );
  });

  it("different keys give different ids", () => {
    fc.assert(
      fc.property(rowId, (n) => {
        expect(otherCodec.encode("usr", n)).not.toBe(codec.encode("usr", n));
      }),
    );
  });

  it("an id from another key never decodes to the same number", () => {
    fc.assert(
      fc.property(rowId, (n) => {
        const foreign = otherCodec.encode("room", n);
        let decoded: number | undefined;
        try {
          decoded = codec.decode("room", foreign);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
        if (decoded !== undefined) expect(decoded).not.toBe(n);
      }),
    );
  });

  it("a mutated id fails to decode or decodes to another id, never crashes", () => {
    const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-!é ");
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), char: alnum }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), char: alnum }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), char: alnum }),
    );
    fc.assert(
      fc.property(rowId, mutation, (n, m) => {
        const valid = codec.encode("usr", n);
        const at = m.at % valid.length;
        const mutated =
          m.kind === "replace"
            ? valid.slice(0, at) + m.char + valid.slice(at + 1)
            : m.kind === "insert"
              ? valid.slice(0, at) + m.char + valid.slice(at)
              : valid.slice(0, at) + valid.slice(at + 1);
        fc.pre(mutated !== valid);
        let decoded: number | undefined;
        try {
          decoded = codec.decode("usr", mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).code).toBe(3000);
        }
        if (decoded !== undefined) expect(decoded).not.toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("arbitrary strings never crash the decoder", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          codec.decodeMany("usr", `usr_${s}`);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
      }),
    );
  });

  it("a wrong prefix is INVALID_ARGUMENT", () => {
    const room = codec.encode("room", 42);
    expect(invalidArgumentCode(() => codec.decode("usr", room))).toBe(3000);
    expect(invalidArgumentCode(() => codec.decode("roomcat", room))).toBe(3000);
    expect(invalidArgumentCode(() => codec.decode("room", room.replace("room_", "room")))).toBe(3000);
  });

  it("bad characters, empty bodies and over-long ids are INVALID_ARGUMENT", () => {
    const valid = codec.encode("usr", 7);
    expect(invalidArgumentCode(() => codec.decode("usr", `${valid}-`))).toBe(3000);
    expect(invalidArgumentCode(() => codec.decode("usr", "usr_"))).toBe(3000);
    expect(invalidArgumentCode(() => codec.decode("usr", `usr_${"a".repeat(61)}`))).toBe(3000);
    expect(invalidArgumentCode(() => codec.decode("usr", ` ${valid}`))).toBe(3000);
  });

  it("a non-canonical spelling of a valid number is rejected", () => {
    // The unpadded sqids encoding of 7 decodes to 7 but is not what this codec issues.
    const unpadded = `usr_${codec.encode("usr", 7).slice(4, 6)}`;
    expect(invalidArgumentCode(() => codec.decode("usr", unpadded))).toBe(3000);
  });

  it("a multi-number id is not a single id", () => {
    expect(invalidArgumentCode(() => codec.decode("msg", codec.encodeMany("msg", [1, 2])))).toBe(3000);
  });

  it("answers the same from its cache, and a cached id under another prefix is still refused", () => {
    const fresh = new PublicIdCodec("cache-key");
    const room = fresh.encode("room", 12);
    expect(fresh.encode("room", 12)).toBe(room);
    expect(fresh.encode("usr", 12)).not.toBe(room);
    expect(fresh.decode("room", room)).toBe(12);
    expect(fresh.decode("room", room)).toBe(12);
    expect(invalidArgumentCode(() => fresh.decode("roomcat", room))).toBe(3000);
    expect(invalidArgumentCode(() => fresh.decode("usr", room))).toBe(3000);
    // Past its capacity the cache forgets, and the answers do not change.
    for (let id = 0; id < 5000; id++) fresh.encode("med", id);
    expect(fresh.encode("room", 12)).toBe(room);
    expect(new PublicIdCodec("cache-key").decode("med", fresh.encode("med", 4999))).toBe(4999);
  });

  it("negative, fractional and unsafe numbers are refused at encoding", () => {
    expect(() => codec.encode("usr", -1)).toThrow(RangeError);
    expect(() => codec.encode("usr", 1.5)).toThrow(RangeError);
    expect(() => codec.encode("usr", 2 ** 53)).toThrow(RangeError);
    expect(() => codec.encodeMany("msg", [])).toThrow(RangeError);
  });
});
