// Who may change a member's room role (spec 04 §9.4 rule 1): only the creator, only MEMBER ↔ ADMIN.
// CREATOR moves only by ownership transfer (§8) and GUEST is never stored, so neither is a valid end.
import { invalidArgument, permissionDenied } from "../errors.js";
import type { RoomRole } from "./room-roles.js";

export type ChangeableRole = "ADMIN" | "MEMBER";

export interface RoleChangeInput {
  actorRole: RoomRole;
  targetRole: RoomRole;
  newRole: RoomRole;
}

const isChangeable = (role: RoomRole): role is ChangeableRole => role === "ADMIN" || role === "MEMBER";

/** Throws unless the change is allowed; on return both roles are narrowed to ADMIN | MEMBER. */
export function assertRoleChange(
  input: RoleChangeInput,
): asserts input is RoleChangeInput & { targetRole: ChangeableRole; newRole: ChangeableRole } {
  // Authorization first, so a non-creator learns nothing about the target.
  if (input.actorRole !== "CREATOR") throw permissionDenied("Only the room creator can change roles");
  if (!isChangeable(input.newRole)) {
    throw invalidArgument("Invalid role", {
      fieldViolations: [{ field: "role", rule: "in", description: "must be ADMIN or MEMBER" }],
    });
  }
  if (!isChangeable(input.targetRole)) {
    throw invalidArgument("Only members and admins change roles; ownership moves by transfer", {
      fieldViolations: [{ field: "user_id", rule: "changeable_role", description: "target must be a MEMBER or ADMIN" }],
    });
  }
}
