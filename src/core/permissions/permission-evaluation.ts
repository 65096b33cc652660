// Effective room permissions of an actor (spec 04 §9.3): runtime defaults, then the room's per-role
// deltas, then the member's own overrides. Pure so caches, realtime connections and tests agree.
import { ALL_PERMISSIONS, type Bitspace, GUEST_CEILING, lift } from "./bitspaces.js";
import type { PermissionDefaults } from "./permission-defaults.js";
import type { RoomRole } from "./room-roles.js";

/** Room-settings deltas, each in its own role bitspace exactly as stored (§3). */
export interface RoomPermissionDeltas {
  adminAdded: bigint;
  adminRemoved: bigint;
  memberAdded: bigint;
  memberRemoved: bigint;
  guestAdded: bigint;
  guestRemoved: bigint;
}

export const NO_DELTAS: Readonly<RoomPermissionDeltas> = Object.freeze({
  adminAdded: 0n,
  adminRemoved: 0n,
  memberAdded: 0n,
  memberRemoved: 0n,
  guestAdded: 0n,
  guestRemoved: 0n,
});

/** A member row's overrides: `added`/`removed` in the member bitspace, `admin*` in the admin bitspace. */
export interface MemberOverrides {
  added: bigint;
  removed: bigint;
  adminAdded: bigint;
  adminRemoved: bigint;
}

export const NO_OVERRIDES: Readonly<MemberOverrides> = Object.freeze({
  added: 0n,
  removed: 0n,
  adminAdded: 0n,
  adminRemoved: 0n,
});

// One layer: additions first, then removals, so removal beats addition within the layer. `lift` drops
// undefined bits, so a malformed stored mask can never grant a bit outside the role's bitspace.
function applyLayer(base: bigint, space: Bitspace, added: bigint, removed: bigint): bigint {
  return (base | lift(space, added)) & ~lift(space, removed);
}

/** The role's permissions in this room before per-member overrides, admin bitspace. */
export function roomLevel(role: RoomRole, deltas: RoomPermissionDeltas, defaults: PermissionDefaults): bigint {
  // Defaults are masked to the 21 defined bits so a hand-built defaults object cannot leak stray bits.
  switch (role) {
    case "CREATOR":
      return ALL_PERMISSIONS;
    case "ADMIN":
      return applyLayer(defaults.admin & ALL_PERMISSIONS, "admin", deltas.adminAdded, deltas.adminRemoved);
    case "MEMBER":
      return applyLayer(defaults.member & ALL_PERMISSIONS, "member", deltas.memberAdded, deltas.memberRemoved);
    case "GUEST":
      return applyLayer(defaults.guest & GUEST_CEILING, "guest", deltas.guestAdded, deltas.guestRemoved);
  }
}

/**
 * The actor's effective permissions, admin bitspace. The override layer comes after the room layer,
 * so an override may re-add what a room delta removed. Only the channel matching the role is read:
 * stale overrides of the other channel (left by a role change) have no effect.
 */
export function effectivePermissions(
  role: RoomRole,
  deltas: RoomPermissionDeltas,
  defaults: PermissionDefaults,
  overrides: MemberOverrides = NO_OVERRIDES,
): bigint {
  const room = roomLevel(role, deltas, defaults);
  switch (role) {
    case "CREATOR":
      return ALL_PERMISSIONS;
    case "ADMIN":
      return applyLayer(room, "admin", overrides.adminAdded, overrides.adminRemoved);
    case "MEMBER":
      return applyLayer(room, "member", overrides.added, overrides.removed);
    case "GUEST":
      // Guests have no member row, hence no overrides; the ceiling is re-applied as the last word.
      return room & GUEST_CEILING;
  }
}
