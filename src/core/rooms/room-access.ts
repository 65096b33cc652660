// The one access gate for room-scoped calls (spec 04 §2.3), in order: (1) room exists and is not
// deleted → NOT_FOUND; (2) creator active (platform admins skip) → 4009; (3) not banned → 4003;
// (4) not closed → 3101; (5) actor admitted (member row, a guest token for this room, or the
// management plane's local-management with creator-level rights) → 4001;
// then, per call, (6) permission bit → 4000 and (7) feature switch → 4010. Members keep a few reads
// in banned or closed rooms, and the creator may still delete one.

import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { DbExecutor } from "../../infra/db/database-port.js";
import type { Actor } from "../actor.js";
import { guestNotAllowed } from "../auth/auth-errors.js";
import { AppCode, failedPrecondition, notFound, permissionDenied, unauthenticated } from "../errors.js";
import {
  defaultsFromNames,
  effectivePermissions,
  featureSwitchFor,
  has,
  type Permission,
  type RoomPermissionDeltas,
  type RoomRole,
} from "../permissions/index.js";
import type { RuntimeSettingsSource } from "../settings/runtime-settings.js";
import { loadMember, type MemberRecord } from "./member-record.js";
import type { RoomSettingsDocument } from "./room-settings-document.js";
import { loadRoomState, type RoomState } from "./room-state.js";

/** Which banned/closed-room exceptions of §2.3 a call qualifies for. */
export type GateException = "none" | "member-read" | "creator-delete";

export interface RoomContext {
  state: RoomState;
  actor: Actor;
  role: RoomRole;
  /** Null for guests. */
  member: MemberRecord | null;
  /** Effective permissions, admin bitspace (04 §9.3). */
  effective: bigint;
}

export interface EnterOptions {
  exception?: GateException;
  /** Run inside a transaction (strong checks read the member row FOR SHARE). */
  db?: DbExecutor;
  lockMember?: "share" | "update";
  lockRoom?: boolean;
}

export function isPlatformAdmin(actor: Actor): boolean {
  return actor.kind === "management" || (actor.kind === "user" && (actor.role === "ADMIN" || actor.role === "ROOT"));
}

export function deltasOf(settings: RoomSettingsDocument): RoomPermissionDeltas {
  return {
    adminAdded: settings.adminAddedPermissions,
    adminRemoved: settings.adminRemovedPermissions,
    memberAdded: settings.memberAddedPermissions,
    memberRemoved: settings.memberRemovedPermissions,
    guestAdded: settings.guestAddedPermissions,
    guestRemoved: settings.guestRemovedPermissions,
  };
}

export class RoomAccess {
  constructor(
    private readonly database: Database,
    private readonly runtime: RuntimeSettingsSource,
    private readonly clock: Clock,
  ) {}

  /** Steps 1–4 only (JoinRoom and discovery use them before membership exists). */
  async roomGates(actor: Actor, roomId: number, options: EnterOptions = {}): Promise<RoomState> {
    const state = await loadRoomState(
      options.db ?? this.database.db,
      roomId,
      this.runtime.current(),
      this.clock.now(),
      {
        forUpdate: options.lockRoom,
      },
    );
    if (!state) throw notFound("Room not found");
    checkRoomGates(state, actor, false);
    return state;
  }

  /** Steps 1–5: the room is usable and the actor is admitted to it. */
  async enter(actor: Actor, roomId: number, options: EnterOptions = {}): Promise<RoomContext> {
    if (actor.kind === "anonymous") throw unauthenticated("Authentication required");
    const db = options.db ?? this.database.db;
    const state = await loadRoomState(db, roomId, this.runtime.current(), this.clock.now(), {
      forUpdate: options.lockRoom,
    });
    if (!state) throw notFound("Room not found");
    const member =
      actor.kind === "user" ? await loadMember(db, roomId, actor.userId, { lock: options.lockMember }) : null;
    const exception = options.exception ?? "none";
    // The management actor keeps the creator's exceptions too (see below).
    const creatorLevel = member?.role === "CREATOR" || actor.kind === "management";
    const exempt =
      (exception === "member-read" && (member !== null || actor.kind === "management")) ||
      (exception === "creator-delete" && creatorLevel);
    checkRoomGates(state, actor, exempt);

    let role: RoomRole;
    if (actor.kind === "management") {
      // Operators administer every room (08 §4.1): local-management is admitted with the creator's
      // rank and all permissions, but has no member row, so calls that need one (the library, leave,
      // creator-only transfers) still refuse it and act as a named user instead.
      role = "CREATOR";
    } else if (actor.kind === "guest") {
      if (actor.roomId !== roomId) throw notAMember();
      role = "GUEST";
    } else if (member) {
      role = member.role;
    } else {
      throw notAMember();
    }
    return { state, actor, role, member, effective: this.effectiveFor(role, state, member) };
  }

  effectiveFor(role: RoomRole, state: RoomState, member: MemberRecord | null): bigint {
    const { permissions } = this.runtime.current();
    const defaults = defaultsFromNames({
      admin: permissions.adminDefaultPermissions,
      member: permissions.memberDefaultPermissions,
      guest: permissions.guestDefaultPermissions,
    });
    return effectivePermissions(role, deltasOf(state.settings), defaults, member?.overrides);
  }
}

/** Steps 2–4 of the gate. `exempt`: the call is one members (or the creator) keep in banned/closed rooms. */
export function checkRoomGates(state: RoomState, actor: Actor, exempt: boolean): void {
  if (!state.creatorActive && !isPlatformAdmin(actor)) {
    throw permissionDenied("The room's owner is inactive", { code: AppCode.ROOM_CREATOR_INACTIVE });
  }
  if (state.banned && !exempt) throw permissionDenied("The room is banned", { code: AppCode.ROOM_BANNED });
  if (state.closed && !exempt) throw failedPrecondition("The room is closed", { code: AppCode.ROOM_CLOSED });
}

/** Steps 6–7: the permission bit, then its feature switch. */
export function requirePermission(ctx: RoomContext, permission: Permission): void {
  if (!has(ctx.effective, permission)) {
    throw permissionDenied("Missing room permission", { metadata: { permission } });
  }
  const feature = featureSwitchFor(permission);
  if (feature && !ctx.state.settings[feature]) {
    throw permissionDenied("This feature is turned off in the room", {
      code: AppCode.FEATURE_DISABLED,
      metadata: { feature },
    });
  }
}

/** `member` access class: a signed-in member of any role; guests are refused. */
export function requireMember(ctx: RoomContext): MemberRecord {
  if (ctx.member === null) throw guestNotAllowed("Only members can do this");
  return ctx.member;
}

export function requireCreator(ctx: RoomContext): MemberRecord {
  const member = requireMember(ctx);
  if (member.role !== "CREATOR") throw permissionDenied("Only the room's creator can do this");
  return member;
}

export const notAMember = () => permissionDenied("Not a member of this room", { code: AppCode.NOT_A_MEMBER });
