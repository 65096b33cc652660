import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, type Bitspace, bitOf, GUEST_CEILING, has, maskOf, namesOf } from "./bitspaces.js";
import { BUILT_IN_DEFAULTS, type PermissionDefaults } from "./permission-defaults.js";
import {
  effectivePermissions,
  type MemberOverrides,
  NO_DELTAS,
  NO_OVERRIDES,
  type RoomPermissionDeltas,
  roomLevel,
} from "./permission-evaluation.js";
import { PERMISSIONS, type Permission } from "./permission-names.js";
import type { RoomRole } from "./room-roles.js";

/** Within the defined bits, beyond them, and negative: stored data is not trusted to be well-formed. */
const anyMask = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 36n) - 1n }),
  fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }),
  fc.constantFrom(0n, -1n, ALL_PERMISSIONS, 0xfn << 32n),
);
const anyDeltas: fc.Arbitrary<RoomPermissionDeltas> = fc.record({
  adminAdded: anyMask,
  adminRemoved: anyMask,
  memberAdded: anyMask,
  memberRemoved: anyMask,
  guestAdded: anyMask,
  guestRemoved: anyMask,
});
const anyDefaults: fc.Arbitrary<PermissionDefaults> = fc.record({ admin: anyMask, member: anyMask, guest: anyMask });
const anyOverrides: fc.Arbitrary<MemberOverrides> = fc.record({
  added: anyMask,
  removed: anyMask,
  adminAdded: anyMask,
  adminRemoved: anyMask,
});
const anyRole = fc.constantFrom<RoomRole>("CREATOR", "ADMIN", "MEMBER", "GUEST");
const RUNS = { numRuns: 1000 };

const SPACE_OF = { ADMIN: "admin", MEMBER: "member", GUEST: "guest" } as const satisfies Record<string, Bitspace>;
const ROOM_KEYS = {
  ADMIN: ["adminAdded", "adminRemoved"],
  MEMBER: ["memberAdded", "memberRemoved"],
  GUEST: ["guestAdded", "guestRemoved"],
} as const;
const OVERRIDE_KEYS = { ADMIN: ["adminAdded", "adminRemoved"], MEMBER: ["added", "removed"] } as const;
const namesIn = (space: Bitspace) => PERMISSIONS.filter((p) => bitOf(space, p) !== undefined);
const bitIn = (space: Bitspace, p: Permission) => bitOf(space, p) ?? 0n;

const deltas = (d: Partial<RoomPermissionDeltas>): RoomPermissionDeltas => ({ ...NO_DELTAS, ...d });
const overrides = (o: Partial<MemberOverrides>): MemberOverrides => ({ ...NO_OVERRIDES, ...o });
const names = (mask: bigint) => namesOf("admin", mask);

describe("permission evaluation examples", () => {
  it("with built-in defaults admins hold all but delete_room, members the seven, guests nothing", () => {
    expect(names(effectivePermissions("ADMIN", NO_DELTAS, BUILT_IN_DEFAULTS))).toEqual(
      PERMISSIONS.filter((p) => p !== "delete_room"),
    );
    expect(effectivePermissions("MEMBER", NO_DELTAS, BUILT_IN_DEFAULTS)).toBe(BUILT_IN_DEFAULTS.member);
    expect(effectivePermissions("GUEST", NO_DELTAS, BUILT_IN_DEFAULTS)).toBe(0n);
  });

  it("member bits 7–8 grant playback control", () => {
    const room = deltas({ memberAdded: maskOf("member", ["control_playback_state", "navigate_playback"]) });
    const mask = effectivePermissions("MEMBER", room, BUILT_IN_DEFAULTS);
    expect(has(mask, "control_playback_state")).toBe(true);
    expect(has(mask, "navigate_playback")).toBe(true);
    // Same bit values in the admin bitspace would be reorder_media and clear_media: never granted.
    expect(has(mask, "reorder_media") || has(mask, "clear_media")).toBe(false);
  });

  it("a member override re-adds what a room delta removed", () => {
    const chat = maskOf("member", ["send_chat_messages"]);
    const room = deltas({ memberRemoved: chat });
    expect(has(effectivePermissions("MEMBER", room, BUILT_IN_DEFAULTS), "send_chat_messages")).toBe(false);
    const mask = effectivePermissions("MEMBER", room, BUILT_IN_DEFAULTS, overrides({ added: chat }));
    expect(has(mask, "send_chat_messages")).toBe(true);
  });

  it("an admin override can give one admin delete_room", () => {
    const mask = effectivePermissions(
      "ADMIN",
      NO_DELTAS,
      BUILT_IN_DEFAULTS,
      overrides({ adminAdded: maskOf("admin", ["delete_room"]) }),
    );
    expect(mask).toBe(ALL_PERMISSIONS);
  });

  it("reads only the override channel of the actor's role", () => {
    const stale = overrides({ adminAdded: ALL_PERMISSIONS, removed: maskOf("member", ["send_chat_messages"]) });
    expect(effectivePermissions("MEMBER", NO_DELTAS, BUILT_IN_DEFAULTS, stale)).toBe(
      BUILT_IN_DEFAULTS.member & ~maskOf("admin", ["send_chat_messages"]),
    );
    expect(effectivePermissions("ADMIN", NO_DELTAS, BUILT_IN_DEFAULTS, stale)).toBe(ALL_PERMISSIONS);
  });

  it("guest deltas live in bits 32–35 and guests ignore overrides", () => {
    const room = deltas({ guestAdded: maskOf("guest", ["view_chat_history", "use_p2p_media"]) });
    const mask = effectivePermissions("GUEST", room, BUILT_IN_DEFAULTS, overrides({ adminAdded: ALL_PERMISSIONS }));
    expect(names(mask)).toEqual(["view_chat_history", "use_p2p_media"]);
    // The admin-bitspace value of view_chat_history means nothing in a guest delta.
    expect(roomLevel("GUEST", deltas({ guestAdded: maskOf("admin", ["view_chat_history"]) }), BUILT_IN_DEFAULTS)).toBe(
      0n,
    );
  });

  it("guest defaults beyond the ceiling are cut off", () => {
    expect(roomLevel("GUEST", NO_DELTAS, { ...BUILT_IN_DEFAULTS, guest: ALL_PERMISSIONS })).toBe(GUEST_CEILING);
  });
});

describe("permission evaluation properties", () => {
  it("a guest never exceeds the guest ceiling", () => {
    fc.assert(
      fc.property(anyDeltas, anyDefaults, anyOverrides, (d, defaults, o) => {
        expect(effectivePermissions("GUEST", d, defaults, o) & ~GUEST_CEILING).toBe(0n);
      }),
      RUNS,
    );
  });

  it("the creator holds all 21 permissions whatever the deltas, defaults and overrides", () => {
    fc.assert(
      fc.property(anyDeltas, anyDefaults, anyOverrides, (d, defaults, o) => {
        expect(effectivePermissions("CREATOR", d, defaults, o)).toBe(ALL_PERMISSIONS);
        expect(roomLevel("CREATOR", d, defaults)).toBe(ALL_PERMISSIONS);
      }),
      RUNS,
    );
  });

  it("no role ever gets bits beyond the 21 permissions", () => {
    fc.assert(
      fc.property(anyRole, anyDeltas, anyDefaults, anyOverrides, (role, d, defaults, o) => {
        expect(effectivePermissions(role, d, defaults, o) & ~ALL_PERMISSIONS).toBe(0n);
      }),
      RUNS,
    );
  });

  for (const role of ["ADMIN", "MEMBER", "GUEST"] as const) {
    const space = SPACE_OF[role];
    const [addedKey, removedKey] = ROOM_KEYS[role];

    it(`removal beats addition in the ${role} room layer`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...namesIn(space)), anyDeltas, anyDefaults, (p, d, defaults) => {
          const both = {
            ...d,
            [addedKey]: d[addedKey] | bitIn(space, p),
            [removedKey]: d[removedKey] | bitIn(space, p),
          };
          expect(has(roomLevel(role, both, defaults), p)).toBe(false);
          // The override layer does not touch p, so it stays absent.
          const untouched = overrides({});
          expect(has(effectivePermissions(role, both, defaults, untouched), p)).toBe(false);
        }),
        RUNS,
      );
    });
  }

  for (const role of ["ADMIN", "MEMBER"] as const) {
    const space = SPACE_OF[role];
    const [addedKey, removedKey] = OVERRIDE_KEYS[role];

    it(`removal beats addition in the ${role} override layer, whatever the room layer says`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...namesIn(space)), anyDeltas, anyDefaults, anyOverrides, (p, d, defaults, o) => {
          const both = {
            ...o,
            [addedKey]: o[addedKey] | bitIn(space, p),
            [removedKey]: o[removedKey] | bitIn(space, p),
          };
          expect(has(effectivePermissions(role, d, defaults, both), p)).toBe(false);
        }),
        RUNS,
      );
    });

    it(`a ${role} override addition re-adds what the room layer removed`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...namesIn(space)), anyDeltas, anyDefaults, anyOverrides, (p, d, defaults, o) => {
          const [roomAdded, roomRemoved] = ROOM_KEYS[role];
          const room = {
            ...d,
            [roomAdded]: d[roomAdded] | bitIn(space, p),
            [roomRemoved]: d[roomRemoved] | bitIn(space, p),
          };
          const readd = {
            ...o,
            [addedKey]: o[addedKey] | bitIn(space, p),
            [removedKey]: o[removedKey] & ~bitIn(space, p),
          };
          expect(has(effectivePermissions(role, room, defaults, readd), p)).toBe(true);
        }),
        RUNS,
      );
    });
  }

  it("agrees with a by-name model of §9.3", () => {
    // The model works on sets of names only, so it cannot share a bit-level mistake with the code.
    const set = (space: Bitspace, mask: bigint) => new Set<Permission>(namesOf(space, mask));
    const layer = (base: Set<Permission>, added: Set<Permission>, removed: Set<Permission>) =>
      new Set([...base, ...added].filter((p) => !removed.has(p)));
    const ceiling = new Set<Permission>(["view_members", "view_chat_history", "use_voice_chat", "use_p2p_media"]);
    const model = (role: RoomRole, d: RoomPermissionDeltas, defaults: PermissionDefaults, o: MemberOverrides) => {
      switch (role) {
        case "CREATOR":
          return new Set(PERMISSIONS);
        case "ADMIN": {
          const room = layer(set("admin", defaults.admin), set("admin", d.adminAdded), set("admin", d.adminRemoved));
          return layer(room, set("admin", o.adminAdded), set("admin", o.adminRemoved));
        }
        case "MEMBER": {
          const room = layer(
            set("admin", defaults.member),
            set("member", d.memberAdded),
            set("member", d.memberRemoved),
          );
          return layer(room, set("member", o.added), set("member", o.removed));
        }
        case "GUEST": {
          const base = new Set([...set("admin", defaults.guest)].filter((p) => ceiling.has(p)));
          return layer(base, set("guest", d.guestAdded), set("guest", d.guestRemoved));
        }
      }
    };
    fc.assert(
      fc.property(anyRole, anyDeltas, anyDefaults, anyOverrides, (role, d, defaults, o) => {
        const expected = PERMISSIONS.filter((p) => model(role, d, defaults, o).has(p));
        expect(names(effectivePermissions(role, d, defaults, o))).toEqual(expected);
      }),
      RUNS,
    );
  });
});
