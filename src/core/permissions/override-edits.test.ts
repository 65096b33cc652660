import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppCode, DomainError } from "../errors.js";
import { ALL_PERMISSIONS, type Bitspace, bitOf, lift, maskOf } from "./bitspaces.js";
import { assertOverrideEdit, type OverrideEditInput } from "./override-edits.js";
import { BUILT_IN_DEFAULTS } from "./permission-defaults.js";
import { PERMISSIONS } from "./permission-names.js";
import type { RoomRole } from "./room-roles.js";

const ADMIN_DEFAULT = BUILT_IN_DEFAULTS.admin;
const namesIn = (space: Bitspace) => PERMISSIONS.filter((p) => bitOf(space, p) !== undefined);

function rejection(input: OverrideEditInput): DomainError {
  try {
    assertOverrideEdit(input);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected the edit to be refused");
}

const edit = (o: Partial<OverrideEditInput>): OverrideEditInput => ({
  actorRole: "ADMIN",
  actorEffective: ADMIN_DEFAULT,
  actorIsTarget: false,
  targetRole: "MEMBER",
  change: {},
  ...o,
});

describe("override edits: who", () => {
  it("lets an admin edit a member and the creator edit an admin", () => {
    expect(() =>
      assertOverrideEdit(edit({ change: { added: maskOf("member", ["navigate_playback"]) } })),
    ).not.toThrow();
    expect(() =>
      assertOverrideEdit(
        edit({
          actorRole: "CREATOR",
          actorEffective: ALL_PERMISSIONS,
          targetRole: "ADMIN",
          change: { adminAdded: 1n },
        }),
      ),
    ).not.toThrow();
  });

  it("refuses editing oneself with RANK_TOO_LOW", () => {
    const e = rejection(edit({ actorRole: "CREATOR", actorEffective: ALL_PERMISSIONS, actorIsTarget: true }));
    expect([e.kind, e.code]).toEqual(["PERMISSION_DENIED", AppCode.RANK_TOO_LOW]);
  });

  it.each<[RoomRole, "ADMIN" | "MEMBER"]>([
    ["ADMIN", "ADMIN"],
    ["MEMBER", "MEMBER"],
    ["MEMBER", "ADMIN"],
    ["GUEST", "MEMBER"],
  ])("refuses a %s editing a %s with RANK_TOO_LOW", (actorRole, targetRole) => {
    const e = rejection(edit({ actorRole, targetRole }));
    expect([e.kind, e.code]).toEqual(["PERMISSION_DENIED", AppCode.RANK_TOO_LOW]);
  });
});

describe("override edits: what", () => {
  it("refuses admin fields on a MEMBER target, naming the field", () => {
    const e = rejection(edit({ change: { added: 1n, adminAdded: 0n } }));
    expect([e.kind, e.code]).toEqual(["INVALID_ARGUMENT", 3000]);
    expect(e.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["admin_added_permissions", "channel"]]);
  });

  it("refuses member fields on an ADMIN target, naming the field", () => {
    const e = rejection(edit({ actorRole: "CREATOR", targetRole: "ADMIN", change: { removed: 1n } }));
    expect([e.kind, e.code]).toEqual(["INVALID_ARGUMENT", 3000]);
    expect(e.fieldViolations.map((v) => v.field)).toEqual(["removed_permissions"]);
  });

  it("refuses bits undefined in the channel's bitspace", () => {
    // Member bit 9 names nothing (admin bit 9 is manage_live_streams); admin bit 21 names nothing.
    const member = rejection(edit({ change: { added: 1n << 9n, removed: -1n } }));
    expect([member.kind, member.code]).toEqual(["INVALID_ARGUMENT", 3000]);
    expect(member.fieldViolations.map((v) => [v.field, v.rule])).toEqual([
      ["added_permissions", "defined_bits"],
      ["removed_permissions", "defined_bits"],
    ]);
    const admin = rejection(edit({ actorRole: "CREATOR", targetRole: "ADMIN", change: { adminRemoved: 1n << 21n } }));
    expect(admin.fieldViolations.map((v) => v.field)).toEqual(["admin_removed_permissions"]);
  });

  it("refuses granting a permission the actor lacks, naming it", () => {
    const actorEffective = ADMIN_DEFAULT & ~maskOf("admin", ["use_voice_chat"]);
    const e = rejection(
      edit({ actorEffective, change: { added: maskOf("member", ["browse_library", "use_voice_chat"]) } }),
    );
    expect([e.kind, e.code, e.metadata]).toEqual(["PERMISSION_DENIED", 4000, { permission: "use_voice_chat" }]);
  });

  it("lets only the creator grant delete_room to an admin", () => {
    const change = { adminAdded: maskOf("admin", ["delete_room"]) };
    const e = rejection(edit({ actorRole: "ADMIN", targetRole: "ADMIN", change }));
    expect(e.code).toBe(AppCode.RANK_TOO_LOW);
    expect(() =>
      assertOverrideEdit(edit({ actorRole: "CREATOR", actorEffective: ALL_PERMISSIONS, targetRole: "ADMIN", change })),
    ).not.toThrow();
  });

  it("always allows removals, even of permissions the actor lacks", () => {
    expect(() =>
      assertOverrideEdit(edit({ actorEffective: 0n, change: { removed: maskOf("member", ["send_chat_messages"]) } })),
    ).not.toThrow();
  });
});

describe("override edits: no escalation", () => {
  it("whatever a non-creator gets accepted adds only permissions it holds", () => {
    // Mostly small, well-formed masks so that a fair share of edits gets through; sometimes anything at all.
    const maskIn = (space: Bitspace) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.subarray(namesIn(space), { maxLength: 3 }).map((n) => maskOf(space, n)) },
        { weight: 1, arbitrary: fc.bigInt({ min: -1n, max: 1n << 40n }) },
      );
    // Keys of the target's channel are usually present, keys of the other channel rarely.
    const presentIn = (fifths: number) => (a: fc.Arbitrary<bigint>) =>
      fc.oneof({ weight: fifths, arbitrary: a }, { weight: 5 - fifths, arbitrary: fc.constant(undefined) });
    const changeFor = (target: "ADMIN" | "MEMBER") => {
      const member = presentIn(target === "MEMBER" ? 4 : 1);
      const admin = presentIn(target === "ADMIN" ? 4 : 1);
      return fc.record({
        added: member(maskIn("member")),
        removed: member(maskIn("member")),
        adminAdded: admin(maskIn("admin")),
        adminRemoved: admin(maskIn("admin")),
      });
    };
    const anyEdit = fc
      .constantFrom<"ADMIN" | "MEMBER">("ADMIN", "MEMBER", "MEMBER")
      .chain((targetRole) => fc.record({ targetRole: fc.constant(targetRole), change: changeFor(targetRole) }));
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<RoomRole>("ADMIN", "ADMIN", "ADMIN", "MEMBER", "GUEST"),
        fc.bigInt({ min: 0n, max: ALL_PERMISSIONS }),
        fc.constantFrom(false, false, false, true),
        anyEdit,
        (actorRole, actorEffective, actorIsTarget, { targetRole, change }) => {
          try {
            assertOverrideEdit({ actorRole, actorEffective, actorIsTarget, targetRole, change });
          } catch (e) {
            if (e instanceof DomainError) return;
            throw e;
          }
          accepted++;
          const granted = lift("member", change.added ?? 0n) | lift("admin", change.adminAdded ?? 0n);
          expect(granted & ~actorEffective).toBe(0n);
        },
      ),
      { numRuns: 1000 },
    );
    // The property is only meaningful if a fair share of edits got through.
    expect(accepted).toBeGreaterThan(50);
  });
});

// Keep the bit helpers honest: this file relies on member bit 9 being undefined.
it("member bitspace has no bit 9", () => {
  expect(bitOf("member", "manage_live_streams")).toBeUndefined();
});
