import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_PERMISSIONS,
  type Bitspace,
  bitOf,
  GUEST_CEILING,
  has,
  lift,
  lower,
  maskOf,
  namesOf,
  undefinedBits,
} from "./bitspaces.js";
import { isPermission, PERMISSIONS, type Permission } from "./permission-names.js";

// Spec 04 §9.1, transcribed independently of the implementation: [admin, member, guest] bit positions.
const TABLE: [Permission, number, number | null, number | null][] = [
  ["send_chat_messages", 0, 0, null],
  ["manage_own_media", 1, 1, null],
  ["browse_library", 2, 2, null],
  ["view_members", 3, 3, 32],
  ["view_chat_history", 4, 4, 33],
  ["use_voice_chat", 5, 5, 34],
  ["use_p2p_media", 20, 6, 35],
  ["control_playback_state", 10, 7, null],
  ["navigate_playback", 11, 8, null],
  ["delete_media", 6, null, null],
  ["reorder_media", 7, null, null],
  ["clear_media", 8, null, null],
  ["manage_live_streams", 9, null, null],
  ["review_join_requests", 12, null, null],
  ["remove_members", 13, null, null],
  ["manage_member_permissions", 14, null, null],
  ["add_members", 15, null, null],
  ["manage_room_settings", 16, null, null],
  ["delete_chat_messages", 17, null, null],
  ["delete_room", 18, null, null],
  ["view_playback_history", 19, null, null],
];

const SPACES: Bitspace[] = ["admin", "member", "guest"];
const bit = (position: number) => 1n << BigInt(position);
const namesIn = (space: Bitspace) => PERMISSIONS.filter((p) => bitOf(space, p) !== undefined);
/** Any bigint, including negatives and bits far beyond the defined ones. */
const anyMask = fc.oneof(
  fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }),
  fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }),
);

describe("permission table", () => {
  it("lists the 21 permissions in spec order", () => {
    expect(PERMISSIONS).toEqual(TABLE.map(([name]) => name));
    expect(new Set(PERMISSIONS).size).toBe(21);
  });

  it.each(TABLE)("%s has admin bit %i, member bit %s, guest bit %s", (name, admin, member, guest) => {
    expect(bitOf("admin", name)).toBe(bit(admin));
    expect(bitOf("member", name)).toBe(member === null ? undefined : bit(member));
    expect(bitOf("guest", name)).toBe(guest === null ? undefined : bit(guest));
  });

  it("gives members playback control on bits 7–8 and guests bits 32–35", () => {
    expect(namesOf("member", bit(7) | bit(8))).toEqual(["control_playback_state", "navigate_playback"]);
    expect(namesOf("guest", 0xfn << 32n)).toEqual([
      "view_members",
      "view_chat_history",
      "use_voice_chat",
      "use_p2p_media",
    ]);
  });

  it("ALL_PERMISSIONS is admin bits 0–20 and GUEST_CEILING the four guest names", () => {
    expect(ALL_PERMISSIONS).toBe((1n << 21n) - 1n);
    expect(GUEST_CEILING).toBe(bit(3) | bit(4) | bit(5) | bit(20));
  });

  it("recognises only known names", () => {
    expect(isPermission("delete_room")).toBe(true);
    expect(isPermission("DELETE_ROOM")).toBe(false);
    expect(isPermission("toString")).toBe(false);
  });
});

describe("masks and names", () => {
  it("has() reads the admin bitspace", () => {
    expect(has(bit(20), "use_p2p_media")).toBe(true);
    expect(has(bit(6), "use_p2p_media")).toBe(false);
    expect(has(bit(6), "delete_media")).toBe(true);
  });

  it("maskOf ignores names that do not exist in the space", () => {
    expect(maskOf("member", ["delete_room", "send_chat_messages"])).toBe(bit(0));
    expect(maskOf("guest", ["send_chat_messages"])).toBe(0n);
  });

  it("undefinedBits reports bits outside the space, including every negative mask", () => {
    expect(undefinedBits("admin", ALL_PERMISSIONS)).toBe(0n);
    expect(undefinedBits("admin", bit(21))).toBe(bit(21));
    expect(undefinedBits("member", bit(8) | bit(9))).toBe(bit(9));
    expect(undefinedBits("guest", bit(3) | bit(32))).toBe(bit(3));
    expect(undefinedBits("guest", -1n)).not.toBe(0n);
  });

  it("lifts and lowers by name, not by bit value", () => {
    // Member bit 6 is use_p2p_media, admin bit 6 is delete_media.
    expect(lift("member", bit(6))).toBe(bit(20));
    expect(lower("member", bit(6))).toBe(0n);
    expect(lower("guest", bit(20) | bit(0))).toBe(bit(35));
    expect(lift("member", bit(7))).toBe(bit(10));
  });

  for (const space of SPACES) {
    it(`namesOf(maskOf(x)) is x for any subset of the ${space} names`, () => {
      fc.assert(
        fc.property(fc.subarray(namesIn(space)), (names) => {
          expect(namesOf(space, maskOf(space, names))).toEqual(names);
        }),
        { numRuns: 500 },
      );
    });

    it(`lift and lower round-trip by name in the ${space} space`, () => {
      const spaceNames = maskOf("admin", namesIn(space));
      fc.assert(
        fc.property(anyMask, anyMask, (roleMask, adminMask) => {
          const lifted = lift(space, roleMask);
          expect(namesOf("admin", lifted)).toEqual(namesOf(space, roleMask));
          expect(lower(space, lifted)).toBe(roleMask & ~undefinedBits(space, roleMask));
          expect(lift(space, lower(space, adminMask))).toBe(adminMask & spaceNames);
        }),
        { numRuns: 1000 },
      );
    });

    it(`bits never leak out of the ${space} space`, () => {
      const spaceNames = maskOf("admin", namesIn(space));
      fc.assert(
        fc.property(anyMask, (mask) => {
          // Lifting never sets admin bits whose names the space lacks; lowering never sets undefined bits.
          expect(lift(space, mask) & ~spaceNames).toBe(0n);
          expect(undefinedBits(space, lower(space, mask))).toBe(0n);
          expect(undefinedBits(space, maskOf(space, namesOf("admin", mask)))).toBe(0n);
        }),
        { numRuns: 1000 },
      );
    });
  }
});
