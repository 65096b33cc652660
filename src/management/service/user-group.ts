// ManagementService users group (08 §4.2): list, get, create, ban, unban, set-role, through the
// core's UserAdministration. The password of CreateUser is handed to OPAQUE registration and dropped;
// it is never logged nor audited.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  BanUserResponseSchema,
  CreateUserResponseSchema,
  GetUserResponseSchema,
  ListUsersResponseSchema,
  type ManagementService,
  SetUserRoleResponseSchema,
  UnbanUserResponseSchema,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { UserRole, UserStatus } from "../../../gen/synctv/v1/common_pb.js";
import { toUserMessage } from "../../api/mappers/user.js";
import type { GlobalRole } from "../../core/actor.js";
import { pageOf } from "../../core/members/member-listing.js";
import type { UserStatus as CoreStatus, UserAccount } from "../../core/users/user-repository.js";
import { auditOf } from "../server/audit-interceptor.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { userReference } from "./user-refs.js";

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

export function userHandlers(deps: ManagementServiceDeps): Handlers {
  const { users, ids } = deps;
  const wire = (user: UserAccount) => toUserMessage(user, ids, true);
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
  };
}
