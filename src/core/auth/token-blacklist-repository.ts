// The token blacklist in PostgreSQL, the source of truth for revocation (spec 05 §3.7–3.8): single-use
// refresh tokens, logged-out access tokens, kicked guests and revoked refresh families.
import { and, eq, gt, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { authTokenBlacklist } from "../../infra/db/schema/index.js";

/** Namespaced keys (05 §3.8): one table holds every kind of revocation without collisions. */
export const blacklistKey = {
  access: (jti: string) => `access:${jti}`,
  refresh: (jti: string) => `refresh:${jti}`,
  guest: (jti: string) => `guest:${jti}`,
  family: (userId: number, sid: string) => `family:${userId}:${sid}`,
};

const t = authTokenBlacklist;

/**
 * Records `key` unless a live entry exists. True = this call inserted it (first use of a refresh
 * token); false = it was already there (a replay). Atomic on PostgreSQL: of two concurrent callers
 * exactly one gets true. An entry past its expiry (not yet cleaned up) counts as absent and is renewed,
 * matching `isBlacklisted`, which ignores it.
 */
export async function blacklistIfAbsent(db: DbExecutor, key: string, expiresAtMs: number): Promise<boolean> {
  const rows = await db
    .insert(t)
    .values({ jti: key, expiresAt: new Date(expiresAtMs) })
    .onConflictDoUpdate({
      target: t.jti,
      set: { expiresAt: sql`excluded.expires_at`, familyRevokedAt: null, createdAt: sql`now()` },
      setWhere: sql`${t.expiresAt} <= now()`,
    })
    .returning({ jti: t.jti });
  return rows.length > 0;
}

/** Whether `key` has an entry that has not expired. */
export async function isBlacklisted(db: DbExecutor, key: string): Promise<boolean> {
  const rows = await db
    .select({ jti: t.jti })
    .from(t)
    .where(and(eq(t.jti, key), gt(t.expiresAt, sql`now()`)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Revokes the refresh family `(userId, sid)` at `atMs`: refresh tokens issued at or before it fail.
 * An upsert, so logout can be retried; a later revocation wins and the expiry only grows.
 */
export async function revokeFamily(
  db: DbExecutor,
  userId: number,
  sid: string,
  atMs: number,
  expiresAtMs: number,
): Promise<void> {
  await db
    .insert(t)
    .values({
      jti: blacklistKey.family(userId, sid),
      expiresAt: new Date(expiresAtMs),
      familyRevokedAt: new Date(atMs),
    })
    .onConflictDoUpdate({
      target: t.jti,
      set: {
        // GREATEST ignores NULL, so a first revocation on a renewed row simply takes the new value.
        familyRevokedAt: sql`GREATEST(${t.familyRevokedAt}, excluded.family_revoked_at)`,
        expiresAt: sql`GREATEST(${t.expiresAt}, excluded.expires_at)`,
      },
    });
}

/** When the family was last revoked (ms), or null when it never was or the entry expired. */
export async function familyRevokedAt(db: DbExecutor, userId: number, sid: string): Promise<number | null> {
  const [row] = await db
    .select({ at: t.familyRevokedAt })
    .from(t)
    .where(and(eq(t.jti, blacklistKey.family(userId, sid)), gt(t.expiresAt, sql`now()`)))
    .limit(1);
  return row?.at?.getTime() ?? null;
}
