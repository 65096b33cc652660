// Source of randomness for tokens, ids and jitter. Injected so tests can be deterministic.
import { randomBytes, randomInt } from "node:crypto";

export interface Random {
  /** Cryptographically strong random bytes. */
  bytes(length: number): Buffer;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
  /** URL-safe token of `byteLength` random bytes (base64url, no padding). */
  token(byteLength: number): string;
}

export const cryptoRandom: Random = {
  bytes: (length) => randomBytes(length),
  int: (min, max) => randomInt(min, max),
  token: (byteLength) => randomBytes(byteLength).toString("base64url"),
};
