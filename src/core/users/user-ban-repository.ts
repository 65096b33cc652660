// Platform user bans (spec 06 §3.1, 04 §7.6): at most one active ban per user, guarded by a scope
// lock plus a NOT EXISTS check; user_account_profiles turns the active ban into status BANNED.
import { and, count, desc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { userBans, users } from "../../infra/db/schema/index.js";
import { type BanListQuery, type BanRecord, toBanRecord } from "../moderation/ban-records.js";

export interface BanUserInput {
  userId: number;
  /** null when the system or the management plane bans. */
  bannedBy: number | null;
  reason: string;
  /** Milliseconds since the epoch; null = until revoked. Must lie in the future. */
  endsAt: number | null;
}

export interface BanUserOutcome {
  /** The user's active ban: the new one, or the one that already existed. */
  banId: number;
  /** False when the user was already banned; nothing was written then. */
  created: boolean;
}

/**
 * A ban that is or will be in force: not revoked and not ended. Unlike the view, it ignores
 * `starts_at <= now()`: `now()` is the transaction's start time, so a transaction that waited on the
 * scope lock would not yet see a ban committed meanwhile as started and would insert a second one.
 */
const unrevokedBan = () =>
  and(isNull(userBans.revokedAt), or(isNull(userBans.endsAt), gt(userBans.endsAt, sql`now()`)));

/**
 * Serialises every ban change for one user: without it two concurrent bans could both see "no active
 * ban" and both insert (06 §2 scope locks). Released at commit.
 */
async function lockUserBans(tx: DbTransaction, userId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`user-ban:${userId}`}, 0))`);
}

/** Bans the user unless an unrevoked, unended ban exists (then returns that one, writing nothing). */
export async function banUser(tx: DbTransaction, input: BanUserInput): Promise<BanUserOutcome> {
  await lockUserBans(tx, input.userId);
  const [existing] = await tx
    .select({ id: userBans.id })
    .from(userBans)
    .where(and(eq(userBans.userId, input.userId), unrevokedBan()))
    .orderBy(desc(userBans.startsAt), desc(userBans.id))
    .limit(1);
  if (existing !== undefined) return { banId: existing.id, created: false };
  const [created] = await tx
    .insert(userBans)
    .values({
      userId: input.userId,
      // Truncated, not rounded: starts_at is stored to the millisecond, and a value rounded up past
      // now() would keep the ban out of `starts_at <= now()` for the rest of this transaction.
      startsAt: sql`date_trunc('milliseconds', now())`,
      bannedBy: input.bannedBy,
      reason: input.reason,
      endsAt: input.endsAt === null ? null : new Date(input.endsAt),
    })
    .returning({ id: userBans.id });
  if (created === undefined) throw new Error("INSERT … RETURNING gave no row");
  return { banId: created.id, created: true };
}

/** Revokes the user's active ban(s). Returns false when there was none to revoke. */
export async function unbanUser(tx: DbTransaction, userId: number, revokedBy: number | null): Promise<boolean> {
  await lockUserBans(tx, userId);
  const revoked = await tx
    .update(userBans)
    .set({ revokedAt: sql`now()`, revokedBy })
    .where(and(eq(userBans.userId, userId), unrevokedBan()))
    .returning({ id: userBans.id });
  return revoked.length > 0;
}

/** Ban records of one user (or all), newest first; `activeOnly` keeps those in force at `now`. */
export async function listUserBans(
  db: DbExecutor,
  query: BanListQuery,
  now: number,
): Promise<{ bans: BanRecord[]; total: number }> {
  const at = new Date(now);
  const where = and(
    query.targetId === undefined ? undefined : eq(userBans.userId, query.targetId),
    query.activeOnly
      ? and(
          isNull(userBans.revokedAt),
          lte(userBans.startsAt, at),
          or(isNull(userBans.endsAt), gt(userBans.endsAt, at)),
        )
      : undefined,
  );
  const [total] = await db.select({ n: count() }).from(userBans).where(where);
  const rows = await db
    .select({
      id: userBans.id,
      targetId: userBans.userId,
      targetName: users.username,
      reason: userBans.reason,
      startsAt: userBans.startsAt,
      endsAt: userBans.endsAt,
      revokedAt: userBans.revokedAt,
      bannedBy: userBans.bannedBy,
    })
    .from(userBans)
    .leftJoin(users, eq(users.id, userBans.userId))
    .where(where)
    .orderBy(desc(userBans.startsAt), desc(userBans.id))
    .limit(query.limit)
    .offset(query.offset);
  return { bans: rows.map((r) => toBanRecord(r, now)), total: total?.n ?? 0 };
}
