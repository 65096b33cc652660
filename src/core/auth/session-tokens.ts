// Issuing, rotating and revoking a signed-in user's token pair (spec 05 §3.5, §3.7, §3.8).
// PostgreSQL's auth_token_blacklist is the source of truth for revocation; replay of a rotated
// refresh token revokes the whole family (same `sid`).
import type { Actor } from "../actor.js";
import { DomainError } from "../errors.js";
import type { UserAccount } from "../users/user-repository.js";
import { findUserById } from "../users/user-repository.js";
import type { AuthDeps, RequestOrigin } from "./auth-deps.js";
import { badToken, credentialChanged, invalidCredentials, refreshTokenReused } from "./auth-errors.js";
import { blacklistIfAbsent, familyRevokedAt, revokeFamily } from "./token-blacklist-repository.js";

const SID_BYTES = 24; // 32 base64url characters
const HOUR_MS = 3_600_000;

export interface IssuedPair {
  user: UserAccount;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

export class SessionTokens {
  constructor(private readonly deps: AuthDeps) {}

  /** After a successful first factor (spec 05 §3.5): reset the account counter, check state, issue. */
  async completeLogin(userId: number, accountKey: string): Promise<IssuedPair> {
    await this.deps.bruteForce.reset(accountKey);
    const user = await findUserById(this.deps.database.db, userId);
    if (!user || user.status !== "ACTIVE") throw invalidCredentials();
    const sid = this.deps.random.token(SID_BYTES);
    return this.#issue(user, sid);
  }

  /** Rotation in the order of spec 05 §3.7. */
  async refresh(refreshToken: string, origin: RequestOrigin): Promise<IssuedPair> {
    const { tokens, limiter, database, ids, clock } = this.deps;
    const claims = await tokens.verify(refreshToken, "refresh");
    const userId = ids.decode("usr", claims.sub);
    await limiter.consume("refresh", { kind: "family", userId, sid: claims.sid });
    await limiter.consume("refresh", { kind: "ip", ip: origin.ip });

    const user = await findUserById(database.db, userId);
    if (!user || user.status !== "ACTIVE") throw badToken();
    if (claims.pv !== user.passwordVersion) throw credentialChanged();
    const revokedAt = await familyRevokedAt(database.db, userId, claims.sid);
    if (revokedAt !== null && claims.iat * 1000 <= revokedAt) throw badToken();

    const now = clock.now();
    const first = await blacklistIfAbsent(
      database.db,
      `refresh:${claims.jti}`,
      Math.max(claims.exp * 1000, now + 60_000),
    );
    if (!first) {
      await revokeFamily(database.db, userId, claims.sid, now, now + this.deps.refreshTtlSeconds * 1000 + HOUR_MS);
      this.deps.log.warn(
        { user_id: userId, sid: claims.sid, jti: claims.jti },
        "refresh token replayed: family revoked",
      );
      throw refreshTokenReused();
    }
    return this.#issue(user, claims.sid);
  }

  /** Family first, then the access jti, both upserts: a failed logout can simply be retried. */
  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== "user") throw badToken();
    const { database, clock } = this.deps;
    const now = clock.now();
    await revokeFamily(
      database.db,
      actor.userId,
      actor.sessionId,
      now,
      now + this.deps.refreshTtlSeconds * 1000 + HOUR_MS,
    );
    await blacklistIfAbsent(database.db, `access:${actor.tokenId}`, Math.max(actor.tokenExpiresAt, now + 60_000));
  }

  async #issue(user: UserAccount, sid: string): Promise<IssuedPair> {
    const { tokens, ids } = this.deps;
    const binding = {
      userPublicId: ids.encode("usr", user.id),
      sid,
      pv: user.passwordVersion,
      cbm: "password" as const,
    };
    const access = await tokens.issueAccess(binding);
    const refresh = await tokens.issueRefresh(binding);
    return {
      user,
      accessToken: access.token,
      refreshToken: refresh.token,
      accessExpiresAt: access.expiresAt,
      refreshExpiresAt: refresh.expiresAt,
    };
  }
}

export function isAuthFailure(e: unknown): boolean {
  return e instanceof DomainError && e.kind === "UNAUTHENTICATED";
}
