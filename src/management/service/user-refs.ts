// UserRef (wire) → the core's UserReference, and the Actor of an "as user" call (08 §4.1): the named
// user, acting with their own rights. Banned or deleted users cannot be acted as.
import type { UserRef } from "../../../gen/synctv/management/v1/management_pb.js";
import type { Actor } from "../../core/actor.js";
import { AppCode, invalidArgument, permissionDenied } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { UserReference } from "../../core/users/user-administration.js";
import type { UserAccount } from "../../core/users/user-repository.js";

export function userReference(ref: UserRef | undefined, ids: PublicIdCodec, field = "user"): UserReference {
  switch (ref?.ref.case) {
    case "userId":
      return { kind: "id", id: ids.decode("usr", ref.ref.value) };
    case "username":
      return { kind: "username", username: ref.ref.value };
    case "email":
      return { kind: "email", email: ref.ref.value };
    default:
      throw invalidArgument(`${field} is required`, {
        fieldViolations: [{ field, rule: "required", description: "name a user by id, username or email" }],
      });
  }
}

/** The actor of a call made on behalf of `account` (no session: the management plane vouches). */
export function actingUser(account: UserAccount): Actor {
  if (account.status !== "ACTIVE") {
    throw permissionDenied("The user is not active and cannot act", { code: AppCode.USER_BANNED });
  }
  return {
    kind: "user",
    userId: account.id,
    role: account.role,
    sessionId: "management",
    tokenId: "",
    tokenExpiresAt: 0,
  };
}

/**
 * The actor for reading what `account` itself would see (its own room list): reads only, so banned
 * accounts may be looked at too; never use it for a write (those go through actingUser).
 */
export function readingAs(account: UserAccount): Actor {
  return {
    kind: "user",
    userId: account.id,
    role: account.role,
    sessionId: "management",
    tokenId: "",
    tokenExpiresAt: 0,
  };
}
