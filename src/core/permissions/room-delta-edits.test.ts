import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { ALL_PERMISSIONS, type Bitspace, bitOf, lift, maskOf } from "./bitspaces.js";
import { BUILT_IN_DEFAULTS } from "./permission-defaults.js";
import { PERMISSIONS } from "./permission-names.js";
import { assertRoomDeltaEdit, type RoomDeltaEditInput } from "./room-delta-edits.js";
import type { RoomRole } from "./room-roles.js";

const namesIn = (space: Bitspace) => PERMISSIONS.filter((p) => bitOf(space, p) !== undefined);

function rejection(input: RoomDeltaEditInput): DomainError {
  try {
    assertRoomDeltaEdit(input);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected the edit to be refused");
}

const byAdmin = (change: RoomDeltaEditInput["change"], actorEffective = BUILT_IN_DEFAULTS.admin) => ({
  actorRole: "ADMIN" as const,
  actorEffective,
  change,
});

describe("room delta edits", () => {
  it("lets an admin hand members playback control and guests chat history", () => {
    const change = {
      memberAdded: maskOf("member", ["control_playback_state", "navigate_playback"]),
      guestAdded: maskOf("guest", ["view_chat_history"]),
    };
    expect(() => assertRoomDeltaEdit(byAdmin(change))).not.toThrow();
  });

  it("refuses admin keys from a non-creator, even a zero write, naming the field", () => {
    const e = rejection(byAdmin({ memberAdded: 0n, adminRemoved: 0n }));
    expect([e.kind, e.code, e.metadata]).toEqual(["PERMISSION_DENIED", 4000, { field: "admin_removed_permissions" }]);
    expect(rejection(byAdmin({ adminAdded: 1n })).metadata).toEqual({ field: "admin_added_permissions" });
  });

  it("lets the creator write admin keys, delete_room included", () => {
    const change = { adminAdded: maskOf("admin", ["delete_room"]), adminRemoved: maskOf("admin", ["add_members"]) };
    expect(() => assertRoomDeltaEdit({ actorRole: "CREATOR", actorEffective: ALL_PERMISSIONS, change })).not.toThrow();
  });

  it("refuses undefined bits in each key's own bitspace", () => {
    const creator = { actorRole: "CREATOR" as const, actorEffective: ALL_PERMISSIONS };
    const e = rejection({
      ...creator,
      change: {
        adminAdded: 1n << 21n,
        memberRemoved: 1n << 9n,
        // Admin/member bit values are undefined in the guest bitspace (bits 32–35 only).
        guestAdded: maskOf("admin", ["view_members"]),
        guestRemoved: -1n,
      },
    });
    expect([e.kind, e.code]).toEqual(["INVALID_ARGUMENT", 3000]);
    expect(e.fieldViolations.map((v) => [v.field, v.rule])).toEqual([
      ["admin_added_permissions", "defined_bits"],
      ["member_removed_permissions", "defined_bits"],
      ["guest_added_permissions", "defined_bits"],
      ["guest_removed_permissions", "defined_bits"],
    ]);
  });

  it("refuses member or guest additions the actor does not hold, naming the permission", () => {
    const actorEffective = BUILT_IN_DEFAULTS.admin & ~maskOf("admin", ["navigate_playback", "use_p2p_media"]);
    const member = rejection(byAdmin({ memberAdded: maskOf("member", ["navigate_playback"]) }, actorEffective));
    expect([member.kind, member.code, member.metadata]).toEqual([
      "PERMISSION_DENIED",
      4000,
      { permission: "navigate_playback" },
    ]);
    const guest = rejection(
      byAdmin({ guestAdded: maskOf("guest", ["view_members", "use_p2p_media"]) }, actorEffective),
    );
    expect(guest.metadata).toEqual({ permission: "use_p2p_media" });
  });

  it("always allows removals", () => {
    expect(() =>
      assertRoomDeltaEdit(
        byAdmin({ memberRemoved: maskOf("member", namesIn("member")), guestRemoved: 0xfn << 32n }, 0n),
      ),
    ).not.toThrow();
  });

  it("whatever a non-creator gets accepted adds only permissions it holds", () => {
    const maskIn = (space: Bitspace) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.subarray(namesIn(space), { maxLength: 3 }).map((n) => maskOf(space, n)) },
        { weight: 1, arbitrary: fc.bigInt({ min: -1n, max: 1n << 40n }) },
      );
    const maybe = (a: fc.Arbitrary<bigint>, weight: number) =>
      fc.oneof({ weight, arbitrary: a }, { weight: 5 - weight, arbitrary: fc.constant(undefined) });
    const anyChange = fc.record({
      adminAdded: maybe(maskIn("admin"), 1),
      adminRemoved: maybe(maskIn("admin"), 1),
      memberAdded: maybe(maskIn("member"), 4),
      memberRemoved: maybe(maskIn("member"), 3),
      guestAdded: maybe(maskIn("guest"), 4),
      guestRemoved: maybe(maskIn("guest"), 3),
    });
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<RoomRole>("ADMIN", "MEMBER", "GUEST"),
        fc.bigInt({ min: 0n, max: ALL_PERMISSIONS }),
        anyChange,
        (actorRole, actorEffective, change) => {
          try {
            assertRoomDeltaEdit({ actorRole, actorEffective, change });
          } catch (e) {
            if (e instanceof DomainError) return;
            throw e;
          }
          accepted++;
          expect(change.adminAdded).toBeUndefined();
          expect(change.adminRemoved).toBeUndefined();
          const granted = lift("member", change.memberAdded ?? 0n) | lift("guest", change.guestAdded ?? 0n);
          expect(granted & ~actorEffective).toBe(0n);
        },
      ),
      { numRuns: 1000 },
    );
    // The property is only meaningful if a fair share of edits got through.
    expect(accepted).toBeGreaterThan(50);
  });
});
