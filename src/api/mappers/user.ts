// UserAccount (core) → synctv.v1.User (wire). Email only ever goes to its owner or admins; callers
// pass `includeEmail` accordingly.
import { create } from "@bufbuild/protobuf";
import { type User, UserRole, UserSchema, UserStatus } from "../../../gen/synctv/v1/common_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { UserAccount } from "../../core/users/user-repository.js";

const roles = { ROOT: UserRole.ROOT, ADMIN: UserRole.ADMIN, USER: UserRole.USER } as const;
const statuses = { ACTIVE: UserStatus.ACTIVE, BANNED: UserStatus.BANNED, DELETED: UserStatus.DELETED } as const;

export function toUserMessage(user: UserAccount, ids: PublicIdCodec, includeEmail: boolean): User {
  return create(UserSchema, {
    id: ids.encode("usr", user.id),
    username: user.username,
    email: includeEmail ? (user.email ?? "") : "",
    emailVerified: includeEmail && user.emailVerified,
    role: roles[user.role],
    status: statuses[user.status],
    isBanned: user.isBanned,
    createdAt: BigInt(user.createdAt),
  });
}
