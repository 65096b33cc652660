// Runtime permission defaults per role (spec 04 §9.2). They are stored as name lists in runtime
// settings and hot-reloaded, so parsing must tolerate stale or unknown names instead of failing start-up.
import { ALL_PERMISSIONS, bitOf, GUEST_CEILING, lift, maskOf } from "./bitspaces.js";
import { isPermission, type Permission } from "./permission-names.js";

/** Room-level starting masks per role, admin bitspace. */
export interface PermissionDefaults {
  admin: bigint;
  member: bigint;
  guest: bigint;
}

export interface PermissionDefaultNames {
  admin: readonly string[];
  member: readonly string[];
  guest: readonly string[];
}

const DELETE_ROOM = bitOf("admin", "delete_room") ?? 0n;

function known(names: readonly string[]): Permission[] {
  return names.filter(isPermission);
}

/**
 * Admin-bitspace defaults from the stored name lists. Unknown names are ignored; the §9.2 rules are
 * enforced here rather than trusted: admins never get `delete_room` by default (only the creator can
 * grant it), members get only member-bitspace names, guests are clamped to the guest ceiling.
 */
export function defaultsFromNames(names: PermissionDefaultNames): PermissionDefaults {
  return {
    admin: maskOf("admin", known(names.admin)) & ~DELETE_ROOM,
    // Through the member bitspace and back, so admin-only names drop out.
    member: lift("member", maskOf("member", known(names.member))),
    guest: maskOf("admin", known(names.guest)) & GUEST_CEILING,
  };
}

/** The defaults when runtime settings say nothing (the values seeded by migration 0002). */
export const BUILT_IN_DEFAULTS: PermissionDefaults = {
  admin: ALL_PERMISSIONS & ~DELETE_ROOM,
  member: maskOf("admin", [
    "send_chat_messages",
    "manage_own_media",
    "browse_library",
    "view_members",
    "view_chat_history",
    "use_voice_chat",
    "use_p2p_media",
  ]),
  guest: 0n,
};
