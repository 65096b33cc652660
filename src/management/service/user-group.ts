// ManagementService users group (08 §4.2): list, get, create, ban, unban, set-role, set-password,
// set-username, a user's rooms, ban records, batch ban, and delete/restore/batch delete, through the
// core's UserAdministration and AccountDeletion (and MyRooms, read as that user). Passwords are handed to OPAQUE registration and dropped; they are
// never logged nor audited.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  AccountDeletionSummarySchema,
  BanUserResponseSchema,
  BatchBanUsersResponseSchema,
  BatchDeleteUsersResponseSchema,
  CreateUserResponseSchema,
  DeleteUserResponseSchema,
  GetUserResponseSchema,
  IdentityKind,
  ListUserBansResponseSchema,
  ListUserRoomsResponseSchema,
  ListUsersResponseSchema,
  type ManagementService,
  RestoreUserResponseSchema,
  SetUsernameResponseSchema,
  SetUserPasswordResponseSchema,
  SetUserRoleResponseSchema,
  UnbanUserResponseSchema,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { UserRole, UserStatus } from "../../../gen/synctv/v1/common_pb.js";
import { roleToWire, toRoomMessage } from "../../api/mappers/room.js";
import { toUserMessage } from "../../api/mappers/user.js";
import type { Actor, GlobalRole } from "../../core/actor.js";
import { pageOf } from "../../core/members/member-listing.js";
import type { DeletionOutcome } from "../../core/users/account-deletion.js";
import type { UserStatus as CoreStatus, UserAccount } from "../../core/users/user-repository.js";
import { auditOf } from "../server/audit-interceptor.js";
import { toBanRecordMessage } from "./ban-record-message.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { readingAs, userReference } from "./user-refs.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

export const roleFromWire: Partial<Record<UserRole, GlobalRole>> = {
  [UserRole.ROOT]: "ROOT",
  [UserRole.ADMIN]: "ADMIN",
  [UserRole.USER]: "USER",
};

const statusFromWire: Partial<Record<UserStatus, CoreStatus>> = {
  [UserStatus.ACTIVE]: "ACTIVE",
  [UserStatus.BANNED]: "BANNED",
  [UserStatus.DELETED]: "DELETED",
};

const MANAGEMENT: Actor = { kind: "management" };

export function userHandlers(deps: ManagementServiceDeps): Handlers {
  const { users, accounts, rooms, ids } = deps;
  const wire = (user: UserAccount) => toUserMessage(user, ids, true);
  const deleted = (o: DeletionOutcome) =>
    create(DeleteUserResponseSchema, {
      user: wire(o.user),
      summary: create(AccountDeletionSummarySchema, {
        deletedRooms: o.deletedRooms,
        removedMemberships: o.removedMemberships,
        deletedPlaylists: o.deletedPlaylists,
        deletedMedia: o.deletedMedia,
        deletedChatMessages: o.deletedChatMessages,
        emailReleased: o.emailReleased,
      }),
    });
  const target = (ctx: HandlerContext, user: UserAccount) =>
    auditOf(ctx)?.target("user", ids.encode("usr", user.id)).detail({ username: user.username });

  return {
    async listUsers(req) {
      const page = pageOf(req.pagination?.page ?? 0, req.pagination?.pageSize ?? 0);
      const list = await users.list({
        search: req.search,
        role: roleFromWire[req.role],
        status: statusFromWire[req.status],
        ...page,
      });
      return create(ListUsersResponseSchema, { users: list.users.map(wire), total: BigInt(list.total) });
    },

    async getUser(req) {
      return create(GetUserResponseSchema, { user: wire(await users.resolve(userReference(req.user, ids))) });
    },

    async createUser(req, ctx) {
      const role = roleFromWire[req.role] ?? "USER";
      auditOf(ctx)
        ?.target("user", req.username)
        .detail({ username: req.username, role, with_email: req.email !== "" });
      const user = await users.create({ username: req.username, email: req.email, role, password: req.password });
      return create(CreateUserResponseSchema, { user: wire(user) });
    },

    async banUser(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      target(ctx, found)?.detail({ reason: req.reason, ends_at: Number(req.endsAt) });
      const endsAt = req.endsAt === 0n ? null : Number(req.endsAt);
      const { user, created } = await users.ban(found.id, req.reason, endsAt);
      return create(BanUserResponseSchema, { user: wire(user), created });
    },

    async unbanUser(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      target(ctx, found);
      const { user, revoked } = await users.unban(found.id);
      return create(UnbanUserResponseSchema, { user: wire(user), revoked });
    },

    async setUserRole(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      const role = roleFromWire[req.role] ?? "USER";
      target(ctx, found)?.detail({ from_role: found.role, to_role: role });
      return create(SetUserRoleResponseSchema, { user: wire(await users.setRole(found.id, role)) });
    },

    async setUserPassword(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      target(ctx, found)?.detail(req.reason === "" ? {} : { reason: req.reason });
      return create(SetUserPasswordResponseSchema, { user: wire(await users.setPassword(found.id, req.password)) });
    },

    async setUsername(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      target(ctx, found)?.detail({ from_username: found.username, to_username: req.username });
      return create(SetUsernameResponseSchema, { user: wire(await users.setUsername(found.id, req.username)) });
    },

    async listUserRooms(req) {
      const found = await users.resolve(userReference(req.user, ids));
      const list = await rooms.myRooms.list(readingAs(found), {
        relation: "ALL",
        search: "",
        sortBy: "JOINED_AT",
        page: req.pagination?.page ?? 0,
        pageSize: req.pagination?.pageSize ?? 0,
      });
      return create(ListUserRoomsResponseSchema, {
        rooms: list.items.map((item) => ({
          room: toRoomMessage(item.view.state, ids, {
            includeSettings: true,
            creatorUsername: item.view.creatorUsername,
          }),
          role: roleToWire[item.role],
          joinedAt: BigInt(item.member.joinedAt),
        })),
        total: BigInt(list.total),
      });
    },

    async listUserBans(req) {
      const page = pageOf(req.pagination?.page ?? 0, req.pagination?.pageSize ?? 0);
      const targetId = req.user === undefined ? undefined : (await users.resolve(userReference(req.user, ids))).id;
      const list = await users.listBans({ targetId, activeOnly: req.activeOnly, ...page });
      return create(ListUserBansResponseSchema, {
        bans: list.bans.map((b) => toBanRecordMessage(b, ids, "usr")),
        total: BigInt(list.total),
      });
    },

    async batchBanUsers(req, ctx) {
      const audit = auditOf(ctx)?.target("user", "batch");
      const found = [];
      for (const ref of req.users) found.push(await users.resolve(userReference(ref, ids)));
      audit?.detail({
        user_ids: found.map((u) => ids.encode("usr", u.id)).join(","),
        count: found.length,
        reason: req.reason,
        ends_at: Number(req.endsAt),
      });
      const endsAt = req.endsAt === 0n ? null : Number(req.endsAt);
      const outcomes = await users.banMany(
        found.map((u) => u.id),
        req.reason,
        endsAt,
      );
      return create(BatchBanUsersResponseSchema, {
        users: outcomes.map((o) => wire(o.user)),
        createdCount: outcomes.filter((o) => o.created).length,
      });
    },

    async deleteUser(req, ctx) {
      const found = await users.resolve(userReference(req.user, ids));
      target(ctx, found)?.detail(req.reason === "" ? {} : { reason: req.reason });
      return deleted(await accounts.deleteUser(MANAGEMENT, found.id, req.reason));
    },

    async restoreUser(req, ctx) {
      const found = await accounts.resolveDeleted(userReference(req.user, ids));
      // The row commits inside the restore's transaction, so only what is known before it is recorded.
      target(ctx, found)?.detail({ ignore_identity_conflicts: req.ignoreIdentityConflicts });
      const outcome = await accounts.restoreUser(MANAGEMENT, found.id, req.ignoreIdentityConflicts);
      return create(RestoreUserResponseSchema, {
        user: wire(outcome.user),
        restoredRooms: outcome.restoredRooms,
        releasedIdentities: outcome.released.map((r) => ({
          kind: r.kind === "USERNAME" ? IdentityKind.USERNAME : IdentityKind.EMAIL,
          value: r.value,
        })),
      });
    },

    async batchDeleteUsers(req, ctx) {
      const audit = auditOf(ctx)?.target("user", "batch");
      const found = [];
      for (const ref of req.users) found.push(await users.resolve(userReference(ref, ids)));
      audit?.detail({
        user_ids: found.map((u) => ids.encode("usr", u.id)).join(","),
        count: found.length,
        ...(req.reason === "" ? {} : { reason: req.reason }),
      });
      const outcomes = await accounts.deleteUsers(
        MANAGEMENT,
        found.map((u) => u.id),
        req.reason,
      );
      return create(BatchDeleteUsersResponseSchema, { deleted: outcomes.map(deleted) });
    },
  };
}
