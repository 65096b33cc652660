// Bit positions of each permission in the admin, member and guest bitspaces (spec 04 §9.1) and the
// name-based translations between them. Effective masks are always admin-bitspace; overrides and room
// deltas are stored in their role's bitspace, so a bit value alone never says which permission it is.
import { PERMISSIONS, type Permission } from "./permission-names.js";

export type Bitspace = "admin" | "member" | "guest";

interface Positions {
  admin: number;
  member?: number;
  guest?: number;
}

// A Record (not a list) so the compiler proves every permission has a row.
const POSITIONS: Record<Permission, Positions> = {
  send_chat_messages: { admin: 0, member: 0 },
  manage_own_media: { admin: 1, member: 1 },
  browse_library: { admin: 2, member: 2 },
  view_members: { admin: 3, member: 3, guest: 32 },
  view_chat_history: { admin: 4, member: 4, guest: 33 },
  use_voice_chat: { admin: 5, member: 5, guest: 34 },
  // Admin bit 20 but member bit 6: the spaces are numbered independently, hence translation by name.
  use_p2p_media: { admin: 20, member: 6, guest: 35 },
  // Member bits 7–8 are a SyncTV-TS addition so rooms can hand playback control to members.
  control_playback_state: { admin: 10, member: 7 },
  navigate_playback: { admin: 11, member: 8 },
  delete_media: { admin: 6 },
  reorder_media: { admin: 7 },
  clear_media: { admin: 8 },
  manage_live_streams: { admin: 9 },
  review_join_requests: { admin: 12 },
  remove_members: { admin: 13 },
  manage_member_permissions: { admin: 14 },
  add_members: { admin: 15 },
  manage_room_settings: { admin: 16 },
  delete_chat_messages: { admin: 17 },
  delete_room: { admin: 18 },
  view_playback_history: { admin: 19 },
};

type Entry = readonly [Permission, bigint];

function entriesOf(space: Bitspace): readonly Entry[] {
  const entries: Entry[] = [];
  for (const name of PERMISSIONS) {
    const position = POSITIONS[name][space];
    if (position !== undefined) entries.push([name, 1n << BigInt(position)]);
  }
  return entries;
}

// Precomputed once: every translation below is a walk over at most 21 (name, bit) pairs in spec order.
const ENTRIES: Record<Bitspace, readonly Entry[]> = {
  admin: entriesOf("admin"),
  member: entriesOf("member"),
  guest: entriesOf("guest"),
};

const DEFINED: Record<Bitspace, bigint> = {
  admin: ENTRIES.admin.reduce((mask, [, bit]) => mask | bit, 0n),
  member: ENTRIES.member.reduce((mask, [, bit]) => mask | bit, 0n),
  guest: ENTRIES.guest.reduce((mask, [, bit]) => mask | bit, 0n),
};

/** The bit of `perm` in `space`, or undefined when the permission does not exist there. */
export function bitOf(space: Bitspace, perm: Permission): bigint | undefined {
  const position = POSITIONS[perm][space];
  return position === undefined ? undefined : 1n << BigInt(position);
}

/** The mask of `perms` in `space`; names that do not exist in that space contribute nothing. */
export function maskOf(space: Bitspace, perms: Iterable<Permission>): bigint {
  let mask = 0n;
  for (const perm of perms) mask |= bitOf(space, perm) ?? 0n;
  return mask;
}

/** The permissions whose bits are set in `mask`, in spec order; undefined bits are ignored. */
export function namesOf(space: Bitspace, mask: bigint): Permission[] {
  return ENTRIES[space].filter(([, bit]) => (mask & bit) !== 0n).map(([name]) => name);
}

/** Role-bitspace mask → admin-bitspace mask, by name. Undefined bits are dropped. */
export function lift(space: Bitspace, roleMask: bigint): bigint {
  let mask = 0n;
  for (const [name, bit] of ENTRIES[space]) {
    if ((roleMask & bit) !== 0n) mask |= bitOf("admin", name) ?? 0n;
  }
  return mask;
}

/** Admin-bitspace mask → role-bitspace mask, keeping only names that exist in `space`. */
export function lower(space: Bitspace, adminMask: bigint): bigint {
  let mask = 0n;
  for (const [name, bit] of ENTRIES[space]) {
    if ((adminMask & (bitOf("admin", name) ?? 0n)) !== 0n) mask |= bit;
  }
  return mask;
}

/**
 * The bits of `mask` that name no permission in `space` (0n when the mask is valid). A negative
 * bigint has infinitely many high bits set, so it always reports undefined bits.
 */
export function undefinedBits(space: Bitspace, mask: bigint): bigint {
  return mask & ~DEFINED[space];
}

/** All 21 permissions, admin bitspace (bits 0–20). */
export const ALL_PERMISSIONS: bigint = DEFINED.admin;

/** What a guest can ever hold, admin bitspace: exactly the names that exist in the guest bitspace. */
export const GUEST_CEILING: bigint = lift("guest", DEFINED.guest);

/** Whether admin-bitspace `mask` grants `perm`. */
export function has(mask: bigint, perm: Permission): boolean {
  return (mask & (bitOf("admin", perm) ?? 0n)) !== 0n;
}
