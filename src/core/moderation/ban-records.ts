// Platform ban records as the operator sees them (04 §7.6, 06 §3.1): user bans and room bans share
// one shape and one rule for "active" (unrevoked, started, not ended).
import { invalidArgument } from "../errors.js";

export interface BanRecord {
  id: number;
  /** The banned user's or room's internal id. */
  targetId: number;
  /** Username or room name at read time. */
  targetName: string;
  reason: string;
  startsAt: number;
  /** null = until revoked. */
  endsAt: number | null;
  revokedAt: number | null;
  bannedBy: number | null;
  active: boolean;
}

export interface BanListQuery {
  /** Only this user's or room's bans; undefined = all. */
  targetId?: number | undefined;
  activeOnly: boolean;
  offset: number;
  limit: number;
}

export const BAN_REASON_MAX_CHARS = 500;

/** Whether a ban row is in force at `now`. */
export function isBanActive(row: { startsAt: Date; endsAt: Date | null; revokedAt: Date | null }, now: number) {
  return row.revokedAt === null && row.startsAt.getTime() <= now && (row.endsAt === null || row.endsAt.getTime() > now);
}

/** One row of a ban table → the shared record. */
export function toBanRecord(
  row: {
    id: number;
    targetId: number;
    targetName: string | null;
    reason: string;
    startsAt: Date;
    endsAt: Date | null;
    revokedAt: Date | null;
    bannedBy: number | null;
  },
  now: number,
): BanRecord {
  return {
    id: row.id,
    targetId: row.targetId,
    targetName: row.targetName ?? "",
    reason: row.reason,
    startsAt: row.startsAt.getTime(),
    endsAt: row.endsAt?.getTime() ?? null,
    revokedAt: row.revokedAt?.getTime() ?? null,
    bannedBy: row.bannedBy,
    active: isBanActive(row, now),
  };
}

/** A ban's reason (trimmed, 1–500 characters) and end (null, or in the future); else INVALID_ARGUMENT. */
export function checkBanInput(reason: string, endsAt: number | null, now: number): string {
  const text = reason.trim();
  if (text === "" || text.length > BAN_REASON_MAX_CHARS) {
    throw invalidArgument("A ban needs a reason", {
      fieldViolations: [{ field: "reason", rule: "length", description: `1–${BAN_REASON_MAX_CHARS} characters` }],
    });
  }
  if (endsAt !== null && endsAt <= now) {
    throw invalidArgument("The ban must end in the future", {
      fieldViolations: [{ field: "ends_at", rule: "future", description: "must lie in the future" }],
    });
  }
  return text;
}
