// Checks shared by the permission write rules (spec 04 §9.4): undefined bits per bitspace and the
// no-escalation rule. Kept apart so override edits and room-delta edits cannot drift apart.
import { type DomainError, type FieldViolation, invalidArgument, permissionDenied } from "../errors.js";
import { type Bitspace, lift, namesOf, undefinedBits } from "./bitspaces.js";
import type { RoomRole } from "./room-roles.js";

/** A field violation when `mask` has bits that name no permission of `space`. */
export function undefinedBitsViolation(field: string, space: Bitspace, mask: bigint): FieldViolation | undefined {
  if (undefinedBits(space, mask) === 0n) return undefined;
  return { field, rule: "defined_bits", description: `has bits that name no ${space}-bitspace permission` };
}

export function invalidMasks(violations: FieldViolation[]): DomainError {
  return invalidArgument("Invalid permission masks", { fieldViolations: violations });
}

/**
 * No escalation (§9.4 rule 3): a non-creator may add only permissions it currently holds, so nobody can
 * hand out more than they have. The creator holds everything and is the only one who can grant `delete_room`.
 */
export function assertHoldsAdded(actorRole: RoomRole, actorEffective: bigint, space: Bitspace, added: bigint): void {
  if (actorRole === "CREATOR") return;
  const [missing] = namesOf("admin", lift(space, added) & ~actorEffective);
  if (missing !== undefined) {
    throw permissionDenied(`You cannot grant ${missing} because you do not hold it`, {
      metadata: { permission: missing },
    });
  }
}
