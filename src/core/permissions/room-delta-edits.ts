// Who may write the room's per-role permission deltas (spec 04 §3, §9.4 rule 4). The caller has already
// checked `manage_room_settings`; this owns the creator-only admin keys, bit validity and escalation.
import { type FieldViolation, permissionDenied } from "../errors.js";
import type { Bitspace } from "./bitspaces.js";
import { assertHoldsAdded, invalidMasks, undefinedBitsViolation } from "./edit-checks.js";
import type { RoomPermissionDeltas } from "./permission-evaluation.js";
import type { RoomRole } from "./room-roles.js";

export interface RoomDeltaEditInput {
  actorRole: RoomRole;
  /** The actor's effective permissions, admin bitspace. */
  actorEffective: bigint;
  /** The keys in the write's field mask; a present key (even 0n) is a write. */
  change: Partial<RoomPermissionDeltas>;
}

type DeltaKey = keyof RoomPermissionDeltas;

// Each key is stored in its own role's bitspace; the field name is the API's.
const KEYS: Record<DeltaKey, { space: Bitspace; field: string }> = {
  adminAdded: { space: "admin", field: "admin_added_permissions" },
  adminRemoved: { space: "admin", field: "admin_removed_permissions" },
  memberAdded: { space: "member", field: "member_added_permissions" },
  memberRemoved: { space: "member", field: "member_removed_permissions" },
  guestAdded: { space: "guest", field: "guest_added_permissions" },
  guestRemoved: { space: "guest", field: "guest_removed_permissions" },
};

const DELTA_KEYS = Object.keys(KEYS) as DeltaKey[];

/** Throws unless the actor may write `change` into the room settings. */
export function assertRoomDeltaEdit(input: RoomDeltaEditInput): void {
  const { actorRole, actorEffective, change } = input;
  const present = DELTA_KEYS.filter((key) => change[key] !== undefined);

  // Admin deltas shape what every admin holds, including whether admins may delete the room: creator only.
  const adminKey = present.find((key) => KEYS[key].space === "admin");
  if (adminKey !== undefined && actorRole !== "CREATOR") {
    throw permissionDenied("Only the room creator can change admin permission deltas", {
      metadata: { field: KEYS[adminKey].field },
    });
  }

  const violations: FieldViolation[] = [];
  for (const key of present) {
    const violation = undefinedBitsViolation(KEYS[key].field, KEYS[key].space, change[key] ?? 0n);
    if (violation) violations.push(violation);
  }
  if (violations.length > 0) throw invalidMasks(violations);

  // Removals are always allowed; additions obey the no-escalation rule.
  assertHoldsAdded(actorRole, actorEffective, "member", change.memberAdded ?? 0n);
  assertHoldsAdded(actorRole, actorEffective, "guest", change.guestAdded ?? 0n);
}
