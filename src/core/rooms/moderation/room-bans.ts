// Platform room bans (04 §2.1, §7.6; 06 §3.1 `room_bans`): platform administrators ban live rooms
// (reason, optional end; one room or a batch, all or nothing) or lift a ban. At most one unrevoked
// ban per room, kept by a per-room scope lock; banning a banned room writes nothing. The access gate
// reads bans through active-room-ban.ts, so the effect (4003, hidden from discovery) needs no other
// write; each change appends one `room.banned` / `room.unbanned` event.
import { and, count, desc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { DbTransaction } from "../../../infra/db/database-port.js";
import { roomBans, rooms } from "../../../infra/db/schema/index.js";
import type { Actor } from "../../actor.js";
import { invalidArgument, notFound, permissionDenied } from "../../errors.js";
import { type BanListQuery, type BanRecord, checkBanInput, toBanRecord } from "../../moderation/ban-records.js";
import type { RoomLifecycleDeps } from "../lifecycle/lifecycle-deps.js";
import { roomEvent } from "../lifecycle/room-events.js";
import { loadRoomView, type RoomView } from "../lifecycle/room-views.js";
import { isPlatformAdmin } from "../room-access.js";
import { loadRoomState } from "../room-state.js";

type Deps = Pick<RoomLifecycleDeps, "database" | "writer" | "settings" | "clock">;

/** BatchBanRooms takes 1–100 rooms (08 §4.2). */
export const BATCH_MAX_ROOMS = 100;

function requirePlatformAdmin(actor: Actor): void {
  if (!isPlatformAdmin(actor)) throw permissionDenied("Only platform administrators manage room bans");
}

/** Not revoked and not ended (a future start counts too, so a second ban cannot slip in). */
const unrevokedBan = () =>
  and(isNull(roomBans.revokedAt), or(isNull(roomBans.endsAt), gt(roomBans.endsAt, sql`now()`)));

async function lockRoomBans(tx: DbTransaction, roomId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`room-ban:${roomId}`}, 0))`);
}

export class RoomBans {
  constructor(private readonly deps: Deps) {}

  /** Bans a live room; an existing unrevoked ban is kept (created = false). */
  async ban(
    actor: Actor,
    roomId: number,
    reason: string,
    endsAt: number | null,
  ): Promise<{ room: RoomView; created: boolean }> {
    const [outcome] = await this.banMany(actor, [roomId], reason, endsAt);
    if (outcome === undefined) throw notFound("Room not found");
    return outcome;
  }

  /**
   * Bans 1–100 live rooms in one transaction: all or nothing (one missing room fails the batch);
   * rooms already banned keep their ban (created = false). Results follow the (deduplicated) order.
   */
  async banMany(
    actor: Actor,
    roomIds: readonly number[],
    reason: string,
    endsAt: number | null,
  ): Promise<{ room: RoomView; created: boolean }[]> {
    requirePlatformAdmin(actor);
    const { writer, settings, clock, database } = this.deps;
    const text = checkBanInput(reason, endsAt, clock.now());
    if (roomIds.length < 1 || roomIds.length > BATCH_MAX_ROOMS) {
      throw invalidArgument(`Ban 1–${BATCH_MAX_ROOMS} rooms at a time`);
    }
    const unique = [...new Set(roomIds)];
    const bannedBy = actor.kind === "user" ? actor.userId : null;
    const created = await writer.run(async (tx, events) => {
      const out: boolean[] = [];
      for (const roomId of unique) {
        await this.#requireLiveRoom(tx, roomId);
        await lockRoomBans(tx, roomId);
        const [existing] = await tx
          .select({ id: roomBans.id })
          .from(roomBans)
          .where(and(eq(roomBans.roomId, roomId), unrevokedBan()))
          .limit(1);
        if (existing !== undefined) {
          out.push(false);
          continue;
        }
        await tx.insert(roomBans).values({
          roomId,
          // Truncated to the stored millisecond so the ban is in force for the rest of this transaction.
          startsAt: sql`date_trunc('milliseconds', now())`,
          bannedBy,
          reason: text,
          endsAt: endsAt === null ? null : new Date(endsAt),
        });
        await events.append(roomEvent(roomId, "room.banned", bannedBy, { reason: text, endsAt }));
        out.push(true);
      }
      return out;
    });
    const results: { room: RoomView; created: boolean }[] = [];
    for (const [i, roomId] of unique.entries()) {
      results.push({
        room: await loadRoomView(database.db, roomId, settings.current(), clock.now()),
        created: created[i] ?? false,
      });
    }
    return results;
  }

  /** Revokes the room's unrevoked ban(s); revoked = false when there was none. */
  async unban(actor: Actor, roomId: number): Promise<{ room: RoomView; revoked: boolean }> {
    requirePlatformAdmin(actor);
    const { writer, settings, clock, database } = this.deps;
    const revokedBy = actor.kind === "user" ? actor.userId : null;
    const revoked = await writer.run(async (tx, events) => {
      await this.#requireLiveRoom(tx, roomId);
      await lockRoomBans(tx, roomId);
      const rows = await tx
        .update(roomBans)
        .set({ revokedAt: sql`now()`, revokedBy })
        .where(and(eq(roomBans.roomId, roomId), unrevokedBan()))
        .returning({ id: roomBans.id });
      if (rows.length === 0) return false;
      await events.append(roomEvent(roomId, "room.unbanned", revokedBy, {}));
      return true;
    });
    return { room: await loadRoomView(database.db, roomId, settings.current(), clock.now()), revoked };
  }

  /** Ban records, newest first; deleted rooms keep theirs. */
  async list(actor: Actor, query: BanListQuery): Promise<{ bans: BanRecord[]; total: number }> {
    requirePlatformAdmin(actor);
    const db = this.deps.database.db;
    const now = this.deps.clock.now();
    const at = new Date(now);
    const where = and(
      query.targetId === undefined ? undefined : eq(roomBans.roomId, query.targetId),
      query.activeOnly
        ? and(
            isNull(roomBans.revokedAt),
            lte(roomBans.startsAt, at),
            or(isNull(roomBans.endsAt), gt(roomBans.endsAt, at)),
          )
        : undefined,
    );
    const [total] = await db.select({ n: count() }).from(roomBans).where(where);
    const rows = await db
      .select({
        id: roomBans.id,
        targetId: roomBans.roomId,
        targetName: rooms.name,
        reason: roomBans.reason,
        startsAt: roomBans.startsAt,
        endsAt: roomBans.endsAt,
        revokedAt: roomBans.revokedAt,
        bannedBy: roomBans.bannedBy,
      })
      .from(roomBans)
      .leftJoin(rooms, eq(rooms.id, roomBans.roomId))
      .where(where)
      .orderBy(desc(roomBans.startsAt), desc(roomBans.id))
      .limit(query.limit)
      .offset(query.offset);
    return { bans: rows.map((r) => toBanRecord(r, now)), total: total?.n ?? 0 };
  }

  async #requireLiveRoom(tx: DbTransaction, roomId: number): Promise<void> {
    const state = await loadRoomState(tx, roomId, this.deps.settings.current(), this.deps.clock.now(), {
      forUpdate: true,
    });
    if (state === null) throw notFound("Room not found");
  }
}
