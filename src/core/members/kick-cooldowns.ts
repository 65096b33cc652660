// Kick cooldowns (spec 04 §7.5, 06 §3.2): while one runs, JoinRoom, AddMember and review approval
// for that user fail with 4004. Every kick adds a row; the cooldown in force ends at the latest
// `ends_at`, which is how a second kick "extends to the later value" while keeping the history.
import { and, eq, gt, max } from "drizzle-orm";
import type { DbExecutor, DbTransaction } from "../../infra/db/database-port.js";
import { roomMemberKickCooldowns } from "../../infra/db/schema/index.js";
import { AppCode, invalidArgument, permissionDenied } from "../errors.js";

export const MIN_KICK_COOLDOWN_SECONDS = 1;
export const MAX_KICK_COOLDOWN_SECONDS = 2_592_000;

const c = roomMemberKickCooldowns;

/** End (Unix ms) of the cooldown in force for (room, user), or null when none is running. */
export async function activeCooldownEnd(
  db: DbExecutor,
  roomId: number,
  userId: number,
  now: number,
): Promise<number | null> {
  const [row] = await db
    .select({ endsAt: max(c.endsAt) })
    .from(c)
    .where(and(eq(c.roomId, roomId), eq(c.userId, userId), gt(c.endsAt, new Date(now))));
  return row?.endsAt ? row.endsAt.getTime() : null;
}

export async function assertNoCooldown(db: DbExecutor, roomId: number, userId: number, now: number): Promise<void> {
  const endsAt = await activeCooldownEnd(db, roomId, userId, now);
  if (endsAt !== null) {
    throw permissionDenied("You were removed from this room and cannot come back yet", {
      code: AppCode.KICK_COOLDOWN,
      metadata: { cooldown_ends_at: String(endsAt) },
    });
  }
}

/** Member kicks need a cooldown of 1 s to 30 days. */
export function validCooldownSeconds(seconds: number | undefined): number {
  if (
    seconds === undefined ||
    !Number.isInteger(seconds) ||
    seconds < MIN_KICK_COOLDOWN_SECONDS ||
    seconds > MAX_KICK_COOLDOWN_SECONDS
  ) {
    throw invalidArgument("kick_cooldown_seconds is required for members (1 to 2592000)", {
      fieldViolations: [
        {
          field: "kick_cooldown_seconds",
          rule: "range",
          description: `required for members, ${MIN_KICK_COOLDOWN_SECONDS}–${MAX_KICK_COOLDOWN_SECONDS} seconds`,
        },
      ],
    });
  }
  return seconds;
}

export interface CooldownInput {
  roomId: number;
  userId: number;
  kickedBy: number | null;
  seconds: number;
  reason: string;
  now: number;
}

/** Records a kick's cooldown and returns the end of the cooldown now in force (the later of all). */
export async function recordCooldown(tx: DbTransaction, input: CooldownInput): Promise<number> {
  const endsAt = input.now + input.seconds * 1000;
  await tx.insert(c).values({
    roomId: input.roomId,
    userId: input.userId,
    kickedBy: input.kickedBy,
    startsAt: new Date(input.now),
    endsAt: new Date(endsAt),
    reason: input.reason,
    createdAt: new Date(input.now),
  });
  return Math.max(endsAt, (await activeCooldownEnd(tx, input.roomId, input.userId, input.now)) ?? 0);
}
