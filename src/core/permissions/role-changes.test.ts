import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { assertRoleChange, type RoleChangeInput } from "./role-changes.js";
import type { RoomRole } from "./room-roles.js";

function rejection(input: RoleChangeInput): DomainError {
  try {
    assertRoleChange(input);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected the role change to be refused");
}

describe("role changes", () => {
  it("lets the creator promote a member and demote an admin", () => {
    expect(() => assertRoleChange({ actorRole: "CREATOR", targetRole: "MEMBER", newRole: "ADMIN" })).not.toThrow();
    expect(() => assertRoleChange({ actorRole: "CREATOR", targetRole: "ADMIN", newRole: "MEMBER" })).not.toThrow();
  });

  it.each<RoomRole>(["ADMIN", "MEMBER", "GUEST"])("refuses a %s changing roles with 4000", (actorRole) => {
    const e = rejection({ actorRole, targetRole: "MEMBER", newRole: "ADMIN" });
    expect([e.kind, e.code]).toEqual(["PERMISSION_DENIED", 4000]);
  });

  it.each<RoomRole>(["CREATOR", "GUEST"])("refuses making anyone %s with 3000", (newRole) => {
    const e = rejection({ actorRole: "CREATOR", targetRole: "MEMBER", newRole });
    expect([e.kind, e.code, e.fieldViolations.map((v) => v.field)]).toEqual(["INVALID_ARGUMENT", 3000, ["role"]]);
  });

  it.each<RoomRole>(["CREATOR", "GUEST"])("refuses changing the role of a %s with 3000", (targetRole) => {
    const e = rejection({ actorRole: "CREATOR", targetRole, newRole: "MEMBER" });
    expect([e.kind, e.code, e.fieldViolations.map((v) => v.field)]).toEqual(["INVALID_ARGUMENT", 3000, ["user_id"]]);
  });
});
