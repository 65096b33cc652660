// When a room ban is in force (spec 04 §2.1, §7.6): not revoked, started, and not yet ended. One
// definition for the access gate, guest admission and discovery.
import { and, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { DbExecutor } from "../../infra/db/database-port.js";
import { roomBans, rooms } from "../../infra/db/schema/index.js";

/** A correlated subquery over `rooms.id`: use inside `exists(…)` / `not exists(…)`. */
export function activeRoomBanOf(db: DbExecutor, nowMs: number) {
  const at = new Date(nowMs);
  return db
    .select({ one: sql`1` })
    .from(roomBans)
    .where(
      and(
        eq(roomBans.roomId, rooms.id),
        isNull(roomBans.revokedAt),
        lte(roomBans.startsAt, at),
        or(isNull(roomBans.endsAt), gt(roomBans.endsAt, at)),
      ),
    );
}
