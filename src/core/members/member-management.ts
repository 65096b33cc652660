// Moderators acting on members (spec 04 §7.2, §9.4; 02 §3.3): AddMember, UpdateMemberPermissions
// and UpdateMemberDisplay. Each runs in one transaction that re-reads the actor's member row FOR SHARE
// and locks the target's (strong checks, §9.6).
import { and, eq, sql } from "drizzle-orm";
import type { DbTransaction } from "../../infra/db/database-port.js";
import { roomMembers } from "../../infra/db/schema/index.js";
import type { Actor } from "../actor.js";
import { AppCode, alreadyExists, conflict, invalidArgument, notFound, permissionDenied } from "../errors.js";
import {
  assertOverrideEdit,
  assertRoleChange,
  type MemberOverrides,
  NO_OVERRIDES,
  outranks,
  type RoomRole,
} from "../permissions/index.js";
import { loadMember, type MemberRecord, ROLE_CODE, toMemberRecord } from "../rooms/member-record.js";
import { type RoomContext, requirePermission } from "../rooms/room-access.js";
import { findUserById } from "../users/user-repository.js";
import { approvePendingReviewOf } from "./join-review-repository.js";
import { assertNoCooldown } from "./kick-cooldowns.js";
import { admitMember } from "./member-admission.js";
import { appendMemberEvent } from "./member-events.js";
import { type MemberView, memberView, usernameOf, viewerOf } from "./member-views.js";
import type { MembershipDeps } from "./membership-deps.js";
import { bumpMembershipVersion, lockMemberSlot } from "./membership-rows.js";

export interface AddMemberInput {
  roomId: number;
  userId: number;
  /** Omitted = MEMBER. */
  role?: RoomRole | undefined;
  remarkName: string;
  displayTag: string;
}

export interface UpdatePermissionsInput {
  roomId: number;
  userId: number;
  role?: RoomRole | undefined;
  /** A present key (even 0n) is a write. */
  overrides: Partial<MemberOverrides>;
  expectedVersion?: number | undefined;
}

export interface UpdateDisplayInput {
  roomId: number;
  userId: number;
  remarkName?: string | undefined;
  displayTag?: string | undefined;
}

export const REMARK_NAME_MAX_CHARS = 64;
export const DISPLAY_TAG_MAX_CHARS = 16;

const rankTooLow = () =>
  permissionDenied("Your room role must outrank the member's role", { code: AppCode.RANK_TOO_LOW });
const memberNotFound = () => notFound("Member not found");

export class MemberManagement {
  constructor(private readonly deps: MembershipDeps) {}

  /** Skips password, allowAutoJoin and requireApproval; keeps room gates, cooldown and capacity. */
  async add(actor: Actor, input: AddMemberInput): Promise<MemberView> {
    const role = input.role ?? "MEMBER";
    if (role !== "MEMBER" && role !== "ADMIN") {
      throw invalidArgument("Members are added as MEMBER or ADMIN", {
        fieldViolations: [{ field: "role", rule: "in", description: "must be MEMBER or ADMIN" }],
      });
    }
    checkDisplay(input.remarkName, input.displayTag);
    const { access, clock, writer } = this.deps;
    await this.deps.chat?.prepare(clock.now());
    return writer.run(async (tx, events) => {
      const ctx = await access.enter(actor, input.roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "add_members");
      if (role === "ADMIN" && ctx.role !== "CREATOR") throw permissionDenied("Only the creator can add admins");
      const target = await findUserById(tx, input.userId);
      if (!target) throw notFound("User not found");
      if (target.status !== "ACTIVE") {
        throw permissionDenied("The user is not active", { code: AppCode.USER_BANNED });
      }
      await lockMemberSlot(tx, input.roomId, input.userId);
      if (await loadMember(tx, input.roomId, input.userId)) {
        throw alreadyExists("Already a member", { code: AppCode.ALREADY_MEMBER });
      }
      const now = clock.now();
      await assertNoCooldown(tx, input.roomId, input.userId, now);
      const admitted = await admitMember(tx, events, {
        state: ctx.state,
        roomId: input.roomId,
        userId: input.userId,
        role,
        remarkName: input.remarkName,
        displayTag: input.displayTag,
        actorUserId: ctx.member?.userId ?? null,
        now,
        chat: this.deps.chat,
      });
      await approvePendingReviewOf(tx, input.roomId, input.userId, ctx.member?.userId ?? null, now);
      // A ROOM_INVITATION notification (`notify`) arrives with notifications (P2).
      return memberView(access, admitted.state, admitted.member, target.username, viewerOf(ctx));
    });
  }

  /** Role changes are creator-only and reset overrides unless new ones come along (§9.4). */
  async updatePermissions(actor: Actor, input: UpdatePermissionsInput): Promise<MemberView> {
    const overrideKeys = (Object.keys(input.overrides) as (keyof MemberOverrides)[]).filter(
      (k) => input.overrides[k] !== undefined,
    );
    if (input.role === undefined && overrideKeys.length === 0) {
      throw invalidArgument("Nothing to change: send a role or override masks");
    }
    const { access, clock, writer } = this.deps;
    return writer.run(async (tx, events) => {
      const ctx = await access.enter(actor, input.roomId, { db: tx, lockMember: "share" });
      if (overrideKeys.length > 0) requirePermission(ctx, "manage_member_permissions");
      const target = await this.#lockTarget(tx, ctx, input.userId);

      const roleChanges = input.role !== undefined && input.role !== target.role;
      let newRole = target.role;
      if (input.role !== undefined) {
        const change = { actorRole: ctx.role, targetRole: target.role, newRole: input.role };
        assertRoleChange(change);
        newRole = change.newRole;
      }
      let overrides: MemberOverrides = roleChanges ? { ...NO_OVERRIDES } : { ...target.overrides };
      if (overrideKeys.length > 0) {
        const actorIsTarget = ctx.member?.userId === target.userId;
        if (newRole === "CREATOR") {
          throw actorIsTarget
            ? permissionDenied("You cannot change your own permissions", { code: AppCode.RANK_TOO_LOW })
            : rankTooLow();
        }
        // Checked against the role the target ends up with: overrides sent with a role change are its new ones.
        assertOverrideEdit({
          actorRole: ctx.role,
          actorEffective: ctx.effective,
          actorIsTarget,
          targetRole: newRole,
          change: input.overrides,
        });
        overrides = { ...overrides, ...definedOverrides(input.overrides) };
      }
      // After authorization, so a caller without the right learns nothing about the row.
      if (input.expectedVersion !== undefined && input.expectedVersion !== target.version) {
        throw conflict("The member changed meanwhile", { metadata: { current_version: String(target.version) } });
      }

      const now = clock.now();
      const [row] = await tx
        .update(roomMembers)
        .set({
          role: ROLE_CODE[newRole],
          addedPermissions: overrides.added,
          removedPermissions: overrides.removed,
          adminAddedPermissions: overrides.adminAdded,
          adminRemovedPermissions: overrides.adminRemoved,
          version: sql`${roomMembers.version} + 1`,
          updatedAt: new Date(now),
        })
        .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.userId)))
        .returning();
      if (!row) throw memberNotFound();
      const updated = toMemberRecord(row);
      const membershipVersion = await bumpMembershipVersion(tx, input.roomId, input.userId, true, now);
      await appendMemberEvent(events, {
        kind: "permission_changed",
        roomId: input.roomId,
        userId: input.userId,
        actorUserId: ctx.member?.userId ?? null,
        membershipVersion,
        member: updated,
      });
      return memberView(access, ctx.state, updated, await usernameOf(tx, input.userId), viewerOf(ctx));
    });
  }

  /** Remark name and display tag: manage_member_permissions, and the actor must outrank the target. */
  async updateDisplay(actor: Actor, input: UpdateDisplayInput): Promise<MemberView> {
    checkDisplay(input.remarkName ?? "", input.displayTag ?? "");
    const { access, clock, writer } = this.deps;
    return writer.run(async (tx) => {
      const ctx = await access.enter(actor, input.roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "manage_member_permissions");
      const target = await this.#lockTarget(tx, ctx, input.userId);
      if (!outranks(ctx.role, target.role)) throw rankTooLow();
      const set: Partial<typeof roomMembers.$inferInsert> = { updatedAt: new Date(clock.now()) };
      // '' clears (stored as NULL); unset leaves the field alone.
      if (input.remarkName !== undefined) set.remarkName = input.remarkName === "" ? null : input.remarkName;
      if (input.displayTag !== undefined) set.displayTag = input.displayTag === "" ? null : input.displayTag;
      const [row] = await tx
        .update(roomMembers)
        .set({ ...set, version: sql`${roomMembers.version} + 1` })
        .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.userId)))
        .returning();
      if (!row) throw memberNotFound();
      // Not a membership or permission change: no membership-version bump and no member event (03 has
      // no kind for it); observers see the new values with the row's next snapshot.
      return memberView(access, ctx.state, toMemberRecord(row), await usernameOf(tx, input.userId), viewerOf(ctx));
    });
  }

  async #lockTarget(tx: DbTransaction, ctx: RoomContext, userId: number): Promise<MemberRecord> {
    const target = await loadMember(tx, ctx.state.id, userId, { lock: "update" });
    if (!target) throw memberNotFound();
    return target;
  }
}

function definedOverrides(change: Partial<MemberOverrides>): Partial<MemberOverrides> {
  const out: Partial<MemberOverrides> = {};
  for (const key of Object.keys(change) as (keyof MemberOverrides)[]) {
    const value = change[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** ≤ 64 / ≤ 16 characters (the columns are varchar(64) / varchar(16), counted in characters). */
function checkDisplay(remarkName: string, displayTag: string): void {
  const violations = [];
  if ([...remarkName].length > REMARK_NAME_MAX_CHARS) {
    violations.push({
      field: "remark_name",
      rule: "max_len",
      description: `at most ${REMARK_NAME_MAX_CHARS} characters`,
    });
  }
  if ([...displayTag].length > DISPLAY_TAG_MAX_CHARS) {
    violations.push({
      field: "display_tag",
      rule: "max_len",
      description: `at most ${DISPLAY_TAG_MAX_CHARS} characters`,
    });
  }
  if (violations.length > 0) throw invalidArgument("Invalid display fields", { fieldViolations: violations });
}
