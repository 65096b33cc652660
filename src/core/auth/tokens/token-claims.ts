// The claims of SyncTV's three JWT kinds (spec 05 §4.1) and the strict shape check applied after the
// signature is verified: a token whose claims do not have exactly the expected types is not ours.

export type TokenKind = "access" | "refresh" | "guest";

/** Credential binding method. P1 issues only `password`; P2 adds webauthn, email and oauth2 bindings. */
export type CredentialBindingMethod = "password";

/** How a login satisfied the 2FA rule (05 §3.12); absent for a single local factor. */
export type AuthMethodReference = "local_2fa" | "oauth2";

interface CommonClaims {
  sub: string;
  jti: string;
  /** Seconds since the epoch, as in the token. */
  iat: number;
  exp: number;
}

export interface UserTokenClaims extends CommonClaims {
  /** Login session (token family) id. */
  sid: string;
  /** Password credential version at issue; 0 when the user has no password. */
  pv: number;
  cbm: CredentialBindingMethod;
  amr?: AuthMethodReference;
}

export interface AccessClaims extends UserTokenClaims {
  typ: "access";
}

export interface RefreshClaims extends UserTokenClaims {
  typ: "refresh";
}

export interface GuestClaims extends CommonClaims {
  typ: "guest";
  /** `rooms.guest_version` at issue. */
  gv: number;
  /** Global guest epoch at issue. */
  ge: number;
  /** Parsed from `sub` = `guest:<roomPublicId>:<guestSessionId>`. */
  roomPublicId: string;
  guestSessionId: string;
}

export interface ClaimsByKind {
  access: AccessClaims;
  refresh: RefreshClaims;
  guest: GuestClaims;
}

export const JTI_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const USER_SUBJECT = /^usr_[A-Za-z0-9]+$/;
const ROOM_ID = /^room_[A-Za-z0-9]+$/;
const GUEST_SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SID = /^[A-Za-z0-9_-]{1,128}$/;
const AMR_VALUES: readonly string[] = ["local_2fa", "oauth2"] satisfies AuthMethodReference[];

export function guestSubject(roomPublicId: string, guestSessionId: string): string {
  if (!ROOM_ID.test(roomPublicId) || !GUEST_SESSION_ID.test(guestSessionId)) {
    throw new RangeError("guest token subject needs a room public id and a [A-Za-z0-9_-] session id");
  }
  return `guest:${roomPublicId}:${guestSessionId}`;
}

export function isUserSubject(sub: string): boolean {
  return USER_SUBJECT.test(sub);
}

export function isSessionId(sid: string): boolean {
  return SID.test(sid);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Typed claims of `expected` kind, or null when any claim is missing or has the wrong shape. */
export function parseClaims<K extends TokenKind>(
  payload: Record<string, unknown>,
  expected: K,
): ClaimsByKind[K] | null {
  const { sub, typ, jti, iat, exp } = payload;
  if (typ !== expected || typeof sub !== "string" || typeof jti !== "string" || !JTI_PATTERN.test(jti)) return null;
  if (!isCount(iat) || !isCount(exp) || exp <= iat) return null;
  const common = { sub, jti, iat, exp };
  if (expected === "guest") {
    const { gv, ge } = payload;
    if (!isCount(gv) || !isCount(ge)) return null;
    const [scope, roomPublicId, guestSessionId, ...rest] = sub.split(":");
    if (scope !== "guest" || rest.length > 0 || roomPublicId === undefined || guestSessionId === undefined) return null;
    if (!ROOM_ID.test(roomPublicId) || !GUEST_SESSION_ID.test(guestSessionId)) return null;
    const claims: GuestClaims = { ...common, typ: "guest", gv, ge, roomPublicId, guestSessionId };
    return claims as ClaimsByKind[K];
  }
  const { sid, pv, cbm, amr } = payload;
  if (!USER_SUBJECT.test(sub) || typeof sid !== "string" || !SID.test(sid) || !isCount(pv)) return null;
  // Unknown bindings fail closed: nothing can check them yet.
  if (cbm !== "password") return null;
  if (amr !== undefined && (typeof amr !== "string" || !AMR_VALUES.includes(amr))) return null;
  const claims: UserTokenClaims = { ...common, sid, pv, cbm };
  if (amr !== undefined) claims.amr = amr as AuthMethodReference;
  return { ...claims, typ: expected } as ClaimsByKind[K];
}
