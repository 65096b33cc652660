// LeaveRoom and KickMember (spec 04 §7.4–7.5). Both re-read the actor's member row inside their own
// transaction (strong checks, §9.6). A kicked member gets a cooldown; a kicked guest loses its token.
import type { Actor } from "../actor.js";
import { blacklistIfAbsent } from "../auth/token-blacklist-repository.js";
import { AppCode, failedPrecondition, invalidArgument, notFound, permissionDenied } from "../errors.js";
import { outranks } from "../permissions/index.js";
import { loadMember } from "../rooms/member-record.js";
import { requireMember, requirePermission } from "../rooms/room-access.js";
import { activeCooldownEnd, recordCooldown, validCooldownSeconds } from "./kick-cooldowns.js";
import { appendGuestKickedEvent } from "./member-events.js";
import { removeMember } from "./member-removal.js";
import type { MembershipDeps } from "./membership-deps.js";

export type KickTarget = { kind: "user"; userId: number } | { kind: "guest"; guestId: string };

export interface KickInput {
  roomId: number;
  target: KickTarget;
  cooldownSeconds?: number | undefined;
  reason: string;
}

export const REASON_MAX_CHARS = 500;

/**
 * The token-blacklist key that revokes one guest of one room. Guest tokens are not stored, so the kick
 * cannot name the token's `jti`; it names the guest id instead, scoped to the room so an admin of one
 * room cannot revoke another room's guest. The access verifier checks this key next to `guest:<jti>`.
 * Letters only before the colon: the blacklist's CHECK wants `^[a-z]+:`.
 */
export const kickedGuestKey = (roomId: number, guestId: string) => `guestkick:${roomId}:${guestId}`;

const rankTooLow = () =>
  permissionDenied("Your room role must outrank the member's role", { code: AppCode.RANK_TOO_LOW });

export class LeaveAndKick {
  constructor(private readonly deps: MembershipDeps) {}

  /** The creator must transfer or delete instead (3104). Allowed in banned or closed rooms. */
  async leave(actor: Actor, roomId: number): Promise<void> {
    await this.deps.writer.run(async (tx, events) => {
      const ctx = await this.deps.access.enter(actor, roomId, {
        db: tx,
        exception: "member-read",
        lockMember: "update",
      });
      const member = requireMember(ctx);
      if (member.role === "CREATOR") {
        throw failedPrecondition("The creator cannot leave; transfer or delete the room", {
          code: AppCode.CREATOR_CANNOT_LEAVE,
        });
      }
      await removeMember(tx, events, {
        kind: "left",
        roomId,
        userId: member.userId,
        actorUserId: member.userId,
        now: this.deps.clock.now(),
      });
    });
  }

  /** Returns the end of the cooldown now in force (Unix ms), 0 for guests. */
  async kick(actor: Actor, input: KickInput): Promise<number> {
    const { access, clock, writer } = this.deps;
    checkReason(input.reason);
    if (input.target.kind === "guest") {
      const guestId = input.target.guestId;
      await writer.run(async (tx, events) => {
        const ctx = await access.enter(actor, input.roomId, { db: tx });
        requirePermission(ctx, "remove_members");
        if (!outranks(ctx.role, "GUEST")) throw rankTooLow();
        await blacklistIfAbsent(
          tx,
          kickedGuestKey(input.roomId, guestId),
          clock.now() + this.deps.guestTokenLifetimeMs,
        );
        // The event ends the guest's open connections on every node (GUEST_ACCESS_REVOKED).
        await appendGuestKickedEvent(events, {
          roomId: input.roomId,
          guestId,
          actorUserId: ctx.member?.userId ?? null,
          reason: input.reason,
        });
      });
      return 0;
    }

    const targetId = input.target.userId;
    return writer.run(async (tx, events) => {
      const ctx = await access.enter(actor, input.roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "remove_members");
      if (ctx.member?.userId === targetId) {
        throw invalidArgument("You cannot kick yourself", {
          fieldViolations: [{ field: "user_id", rule: "not_self", description: "must not be the caller" }],
        });
      }
      const seconds = validCooldownSeconds(input.cooldownSeconds);
      const now = clock.now();
      const actorUserId = ctx.member?.userId ?? null;
      const target = await loadMember(tx, input.roomId, targetId, { lock: "update" });
      if (!target) {
        // A kicked user is no longer a member; kicking again while its cooldown runs extends it (04 §7.5).
        if ((await activeCooldownEnd(tx, input.roomId, targetId, now)) === null) throw notFound("Member not found");
        if (!outranks(ctx.role, "MEMBER")) throw rankTooLow();
        return recordCooldown(tx, {
          roomId: input.roomId,
          userId: targetId,
          kickedBy: actorUserId,
          seconds,
          reason: input.reason,
          now,
        });
      }
      if (!outranks(ctx.role, target.role)) throw rankTooLow();
      const endsAt = await recordCooldown(tx, {
        roomId: input.roomId,
        userId: targetId,
        kickedBy: actorUserId,
        seconds,
        reason: input.reason,
        now,
      });
      await removeMember(tx, events, {
        kind: "kicked",
        roomId: input.roomId,
        userId: targetId,
        actorUserId,
        now,
        reason: input.reason,
        cooldownEndsAt: endsAt,
      });
      return endsAt;
    });
  }
}

export function checkReason(reason: string): void {
  if ([...reason].length > REASON_MAX_CHARS) {
    throw invalidArgument("reason is too long", {
      fieldViolations: [{ field: "reason", rule: "max_len", description: `at most ${REASON_MAX_CHARS} characters` }],
    });
  }
}
