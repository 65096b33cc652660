// Public ids (spec 02 §2.4): `<prefix>_<base62>` strings encoded from internal integer keys with a
// sqids codec whose alphabet is shuffled by a server secret, so ids are neither guessable nor countable.
//
// Key: the composition root derives the codec key from `security.credential_encryption_key`, which never
// rotates. It must not: a new key changes every public id, breaking links, bookmarks and client caches.

import { hkdfSync } from "node:crypto";
import Sqids from "sqids";
import { invalidArgument } from "../errors.js";

export type PublicIdPrefix =
  | "usr"
  | "room"
  | "gst"
  | "pl"
  | "med"
  | "ph"
  | "msg"
  | "rev"
  | "report"
  | "roomcat"
  | "roomlbl"
  | "ntf"
  | "file"
  | "upl";

/** Longest public id accepted, prefix included (02 §2.4). */
export const MAX_PUBLIC_ID_LENGTH = 64;

const BASE62 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HKDF_INFO = "synctv/public-ids/v1";
// Short ids of small keys would reveal how young the instance is; pad everything to 8 characters.
const MIN_ENCODED_LENGTH = 8;
// Fisher–Yates over 62 characters needs 61 draws; rejection sampling consumes ~72 bytes on average.
const DERIVED_BYTES = 512;
const BODY = /^[A-Za-z0-9]+$/;
// sqids costs ~15 µs per encode, and the same few ids (the room, the playing media, the active
// users) are encoded for every response and event: remember recent single-number answers.
const CACHED_IDS = 4096;

/** The base62 alphabet in an order fixed by `secretKey` (HKDF-SHA256, then an unbiased Fisher–Yates). */
export function shuffledAlphabet(secretKey: string): string {
  const stream = Buffer.from(
    hkdfSync("sha256", Buffer.from(secretKey, "utf8"), Buffer.alloc(0), HKDF_INFO, DERIVED_BYTES),
  );
  let cursor = 0;
  // Uniform integer in [0, bound) from the derived stream: bytes past the largest multiple of `bound` are
  // skipped so no position is favoured.
  const draw = (bound: number): number => {
    const limit = 256 - (256 % bound);
    while (cursor < stream.length) {
      const byte = stream[cursor++]!;
      if (byte < limit) return byte % bound;
    }
    throw new Error("public id key derivation ran out of bytes");
  };
  const chars = [...BASE62];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

function assertEncodable(ids: readonly number[]): void {
  if (ids.length === 0) throw new RangeError("a public id encodes at least one number");
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError("public ids encode non-negative safe integers");
  }
}

export class PublicIdCodec {
  readonly #sqids: Sqids;
  /** `prefix:id` → public id, and public id → id, for single-number ids. */
  readonly #encoded = new BoundedCache<string, string>(CACHED_IDS);
  readonly #decoded = new BoundedCache<string, number>(CACHED_IDS);

  constructor(secretKey: string) {
    if (secretKey === "") throw new Error("the public id key must not be empty");
    this.#sqids = new Sqids({ alphabet: shuffledAlphabet(secretKey), minLength: MIN_ENCODED_LENGTH });
  }

  encode(prefix: PublicIdPrefix, id: number): string {
    const key = `${prefix}:${id}`;
    const known = this.#encoded.get(key);
    if (known !== undefined) return known;
    const publicId = this.encodeMany(prefix, [id]);
    this.#encoded.set(key, publicId);
    return publicId;
  }

  /** Several numbers in one id: `msg` and `ph` encode `[id, created_at_ms]`. */
  encodeMany(prefix: PublicIdPrefix, ids: readonly number[]): string {
    assertEncodable(ids);
    return `${prefix}_${this.#sqids.encode([...ids])}`;
  }

  /** The single number behind `publicId`; anything else is INVALID_ARGUMENT. */
  decode(prefix: PublicIdPrefix, publicId: string): number {
    // The public id starts with its prefix, so the cache needs no other key part.
    const known = this.#decoded.get(publicId);
    if (known !== undefined && publicId.startsWith(`${prefix}_`)) return known;
    const ids = this.decodeMany(prefix, publicId);
    if (ids.length !== 1) throw malformed(prefix);
    this.#decoded.set(publicId, ids[0]!);
    return ids[0]!;
  }

  decodeMany(prefix: PublicIdPrefix, publicId: string): number[] {
    const head = `${prefix}_`;
    if (publicId.length > MAX_PUBLIC_ID_LENGTH || !publicId.startsWith(head)) throw malformed(prefix);
    const body = publicId.slice(head.length);
    if (!BODY.test(body)) throw malformed(prefix);
    let ids: number[];
    try {
      ids = this.#sqids.decode(body);
    } catch {
      throw malformed(prefix);
    }
    if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id < 0)) throw malformed(prefix);
    // sqids decodes many strings to the same numbers; only the one we would issue is valid, so every
    // entity has exactly one public id (caches, comparisons and blacklists key on the string).
    let canonical: string;
    try {
      canonical = this.#sqids.encode(ids);
    } catch {
      throw malformed(prefix);
    }
    if (canonical !== body) throw malformed(prefix);
    return ids;
  }
}

/** Insertion-ordered and bounded: past capacity the oldest entry goes (no reordering on a hit). */
class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}

function malformed(prefix: PublicIdPrefix) {
  return invalidArgument(`malformed ${prefix} id`, { metadata: { prefix } });
}
