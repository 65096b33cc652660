// Signs and verifies SyncTV's JWTs (spec 05 §4.1): HS256 only, required exp/iat/jti, leeway, optional
// iss/aud, all times from the injected clock. Tokens are only ever read through `verify`: nothing here
// decodes a payload whose signature has not been checked.

import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../../../infra/clock.js";
import type { Random } from "../../../infra/random.js";
import { AppCode, unauthenticated } from "../../errors.js";
import {
  type AuthMethodReference,
  type ClaimsByKind,
  type CredentialBindingMethod,
  guestSubject,
  isSessionId,
  isUserSubject,
  parseClaims,
  type TokenKind,
} from "./token-claims.js";

export interface TokenCodecOptions {
  /** `jwt.secret`; rotating it logs everyone out. */
  secret: string;
  /** '' = not set in tokens and not checked. */
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  guestTtlSeconds: number;
  leewaySeconds: number;
  clock: Clock;
  random: Random;
}

export interface UserTokenInput {
  userPublicId: string;
  sid: string;
  pv: number;
  cbm: CredentialBindingMethod;
  amr?: AuthMethodReference;
}

export interface GuestTokenInput {
  roomPublicId: string;
  guestSessionId: string;
  gv: number;
  ge: number;
}

export interface IssuedToken {
  token: string;
  jti: string;
  /** Epoch milliseconds (whole seconds, as in the token). */
  issuedAt: number;
  expiresAt: number;
}

const ALGORITHM = "HS256";
const HEADER_TYP = "JWT";
// 24 random bytes are 32 base64url characters (192 bits).
const JTI_BYTES = 24;
// Far above any token we issue; bounds the work spent on garbage.
const MAX_TOKEN_LENGTH = 8192;

const authenticationFailed = () => unauthenticated("Authentication failed");
const tokenExpired = () => unauthenticated("Authentication failed", { code: AppCode.TOKEN_EXPIRED });

export class TokenCodec {
  readonly #key: Uint8Array;
  readonly #options: TokenCodecOptions;

  constructor(options: TokenCodecOptions) {
    if (options.secret === "") throw new Error("jwt.secret must not be empty");
    this.#key = new TextEncoder().encode(options.secret);
    this.#options = options;
  }

  async issueAccess(input: UserTokenInput): Promise<IssuedToken> {
    return this.#issue("access", userClaims(input), this.#options.accessTtlSeconds);
  }

  async issueRefresh(input: UserTokenInput): Promise<IssuedToken> {
    return this.#issue("refresh", userClaims(input), this.#options.refreshTtlSeconds);
  }

  async issueGuest(input: GuestTokenInput): Promise<IssuedToken> {
    if (!isCount(input.gv) || !isCount(input.ge)) throw new RangeError("gv and ge are non-negative integers");
    const claims = { sub: guestSubject(input.roomPublicId, input.guestSessionId), gv: input.gv, ge: input.ge };
    return this.#issue("guest", claims, this.#options.guestTtlSeconds);
  }

  /**
   * The typed claims of a token of kind `expected`. Every failure is UNAUTHENTICATED "Authentication
   * failed" (app code 1000), except a genuine, expired token of the expected kind (TOKEN_EXPIRED, 1001),
   * which tells the client to refresh.
   */
  async verify<K extends TokenKind>(token: string, expected: K): Promise<ClaimsByKind[K]> {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw authenticationFailed();
    }
    const { issuer, audience, leewaySeconds, clock } = this.#options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        typ: HEADER_TYP,
        requiredClaims: ["exp", "iat", "jti", "sub", "typ"],
        clockTolerance: leewaySeconds,
        currentDate: new Date(clock.now()),
        ...(issuer === "" ? {} : { issuer }),
        ...(audience === "" ? {} : { audience }),
      }));
    } catch (e) {
      // jose raises JWTExpired only after the signature and the other claims checked out; it is only
      // "expired" (refresh and retry) when it is otherwise a well-formed token of the expected kind.
      if (e instanceof errors.JWTExpired && e.claim === "exp" && parseClaims(e.payload, expected) !== null) {
        throw tokenExpired();
      }
      throw authenticationFailed();
    }
    const claims = parseClaims(payload, expected);
    if (claims === null) throw authenticationFailed();
    // jose checks a future `iat` only together with maxTokenAge; a token from the future is forged or
    // comes from a node with a broken clock either way.
    if (claims.iat > Math.floor(clock.now() / 1000) + leewaySeconds) throw authenticationFailed();
    return claims;
  }

  async #issue(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<IssuedToken> {
    const { issuer, audience, clock, random } = this.#options;
    const iat = Math.floor(clock.now() / 1000);
    const exp = iat + ttlSeconds;
    const jti = random.token(JTI_BYTES);
    const jwt = new SignJWT({ ...claims, typ: kind })
      .setProtectedHeader({ alg: ALGORITHM, typ: HEADER_TYP })
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(exp);
    if (issuer !== "") jwt.setIssuer(issuer);
    if (audience !== "") jwt.setAudience(audience);
    const token = await jwt.sign(this.#key);
    return { token, jti, issuedAt: iat * 1000, expiresAt: exp * 1000 };
  }
}

const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;

function userClaims(input: UserTokenInput): Record<string, unknown> {
  // Refuse to sign what `verify` would reject: a bad input is a bug in the caller, better found here.
  if (!isUserSubject(input.userPublicId)) throw new RangeError("sub must be a user public id (usr_…)");
  if (!isSessionId(input.sid)) throw new RangeError("sid must be 1–128 [A-Za-z0-9_-] characters");
  if (!isCount(input.pv)) throw new RangeError("pv is a non-negative integer");
  const claims: Record<string, unknown> = { sub: input.userPublicId, sid: input.sid, pv: input.pv, cbm: input.cbm };
  if (input.amr !== undefined) claims.amr = input.amr;
  return claims;
}
