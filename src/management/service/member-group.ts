// ManagementService members group (08 §4.2): list, add, kick, set-permissions, set-display (remark
// name and display tag) — RoomMembership's own calls. They act
// as `actor` when given, else as local-management, which the room gate (04 §2.3) admits to every room
// with the creator's rank and permissions, so the core rules still decide.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  AddRoomMemberResponseSchema,
  KickRoomMemberResponseSchema,
  ListRoomMembersResponseSchema,
  type ManagementService,
  UpdateRoomMemberDisplayResponseSchema,
  UpdateRoomMemberPermissionsResponseSchema,
  type UserRef,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { RoomMemberRole } from "../../../gen/synctv/v1/room_pb.js";
import { toRoomMemberMessage } from "../../api/mappers/room.js";
import type { AuditContext } from "../../core/audit/audit-entry.js";
import { pageOf } from "../../core/members/member-listing.js";
import type { MemberView } from "../../core/members/member-views.js";
import type { MemberOverrides } from "../../core/permissions/index.js";
import { auditOf } from "../server/audit-interceptor.js";
import { actorOrManagement } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { userReference } from "./user-refs.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

const ROLE_FROM_WIRE: Partial<Record<RoomMemberRole, "ADMIN" | "MEMBER">> = {
  [RoomMemberRole.ADMIN]: "ADMIN",
  [RoomMemberRole.MEMBER]: "MEMBER",
};

export function memberHandlers(deps: ManagementServiceDeps): Handlers {
  const { membership, users, ids } = deps;
  const wire = (v: MemberView) =>
    toRoomMemberMessage(v.member, ids, { username: v.username, effective: v.effective, showOverrides: true });

  const actorFor = (ref: UserRef | undefined, audit?: AuditContext) => actorOrManagement(deps, ref, audit);

  return {
    async listRoomMembers(req) {
      const roomId = ids.decode("room", req.roomId);
      const list = await membership.listMembers(await actorFor(req.actor), {
        roomId,
        page: pageOf(req.pagination?.page ?? 0, req.pagination?.pageSize ?? 0),
        search: req.search,
        sortBy: "JOINED_AT",
        descending: false,
      });
      return create(ListRoomMembersResponseSchema, { members: list.members.map(wire), total: BigInt(list.total) });
    },

    async addRoomMember(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const audit = auditOf(ctx)?.target("room", req.roomId);
      const target = await users.resolve(userReference(req.user, ids));
      audit?.detail({ user_id: ids.encode("usr", target.id), username: target.username });
      const view = await membership.addMember(await actorFor(req.actor, audit), {
        roomId,
        userId: target.id,
        role: ROLE_FROM_WIRE[req.role],
        remarkName: "",
        displayTag: "",
      });
      return create(AddRoomMemberResponseSchema, { member: wire(view) });
    },

    async kickRoomMember(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const audit = auditOf(ctx)?.target("room", req.roomId);
      const target = await users.resolve(userReference(req.user, ids));
      audit?.detail({ user_id: ids.encode("usr", target.id), username: target.username, reason: req.reason });
      const endsAt = await membership.kick(await actorFor(req.actor, audit), {
        roomId,
        target: { kind: "user", userId: target.id },
        cooldownSeconds: Number(req.cooldownSeconds),
        reason: req.reason,
      });
      return create(KickRoomMemberResponseSchema, { cooldownEndsAt: BigInt(endsAt) });
    },

    async updateRoomMemberPermissions(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const audit = auditOf(ctx)?.target("room", req.roomId);
      const target = await users.resolve(userReference(req.user, ids));
      const overrides: Partial<MemberOverrides> = {};
      if (req.addedPermissions !== undefined) overrides.added = req.addedPermissions;
      if (req.removedPermissions !== undefined) overrides.removed = req.removedPermissions;
      if (req.adminAddedPermissions !== undefined) overrides.adminAdded = req.adminAddedPermissions;
      if (req.adminRemovedPermissions !== undefined) overrides.adminRemoved = req.adminRemovedPermissions;
      const role = req.role === undefined ? undefined : ROLE_FROM_WIRE[req.role];
      audit?.detail({
        user_id: ids.encode("usr", target.id),
        username: target.username,
        ...(role === undefined ? {} : { role }),
        ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])),
      });
      const view = await membership.updatePermissions(await actorFor(req.actor, audit), {
        roomId,
        userId: target.id,
        role,
        overrides,
      });
      return create(UpdateRoomMemberPermissionsResponseSchema, { member: wire(view) });
    },

    async updateRoomMemberDisplay(req, ctx) {
      const roomId = ids.decode("room", req.roomId);
      const audit = auditOf(ctx)?.target("room", req.roomId);
      const target = await users.resolve(userReference(req.user, ids));
      audit?.detail({
        user_id: ids.encode("usr", target.id),
        username: target.username,
        ...(req.remarkName === undefined ? {} : { remark_name: req.remarkName }),
        ...(req.displayTag === undefined ? {} : { display_tag: req.displayTag }),
      });
      const view = await membership.updateDisplay(await actorFor(req.actor, audit), {
        roomId,
        userId: target.id,
        remarkName: req.remarkName,
        displayTag: req.displayTag,
      });
      return create(UpdateRoomMemberDisplayResponseSchema, { member: wire(view) });
    },
  };
}
