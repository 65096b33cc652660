// Who may edit a member's permission overrides, and with what (spec 04 §9.4 rules 2–3). The caller
// has already checked `manage_member_permissions`; this owns rank, channel, bit validity and escalation.
import { AppCode, type FieldViolation, permissionDenied } from "../errors.js";
import type { Bitspace } from "./bitspaces.js";
import { assertHoldsAdded, invalidMasks, undefinedBitsViolation } from "./edit-checks.js";
import type { MemberOverrides } from "./permission-evaluation.js";
import { outranks, type RoomRole } from "./room-roles.js";

export interface OverrideEditInput {
  actorRole: RoomRole;
  /** The actor's effective permissions, admin bitspace. */
  actorEffective: bigint;
  actorIsTarget: boolean;
  targetRole: "ADMIN" | "MEMBER";
  /** A present key (even 0n) is a write; absent keys are left alone. */
  change: Partial<MemberOverrides>;
}

interface Channel {
  added: keyof MemberOverrides;
  removed: keyof MemberOverrides;
  space: Bitspace;
}

// MEMBER targets are edited in the member bitspace, ADMIN targets in the admin bitspace.
const CHANNELS: Record<OverrideEditInput["targetRole"], Channel> = {
  MEMBER: { added: "added", removed: "removed", space: "member" },
  ADMIN: { added: "adminAdded", removed: "adminRemoved", space: "admin" },
};

/** API field names, so a client can point at the offending input. */
const FIELD_NAMES: Record<keyof MemberOverrides, string> = {
  added: "added_permissions",
  removed: "removed_permissions",
  adminAdded: "admin_added_permissions",
  adminRemoved: "admin_removed_permissions",
};

/** Throws unless the actor may apply `change` to the target's overrides. */
export function assertOverrideEdit(input: OverrideEditInput): void {
  const { actorRole, actorEffective, actorIsTarget, targetRole, change } = input;
  // Self-edits are refused even for ranks that would otherwise suffice, so nobody raises their own ceiling.
  if (actorIsTarget) {
    throw permissionDenied("You cannot change your own permissions", { code: AppCode.RANK_TOO_LOW });
  }
  if (!outranks(actorRole, targetRole)) {
    throw permissionDenied("Your room role must outrank the member's role", { code: AppCode.RANK_TOO_LOW });
  }

  const channel = CHANNELS[targetRole];
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(FIELD_NAMES) as (keyof MemberOverrides)[]) {
    const mask = change[key];
    if (mask === undefined) continue;
    const field = FIELD_NAMES[key];
    if (key !== channel.added && key !== channel.removed) {
      const allowed = `${FIELD_NAMES[channel.added]}/${FIELD_NAMES[channel.removed]}`;
      violations.push({ field, rule: "channel", description: `${targetRole} targets take only ${allowed}` });
      continue;
    }
    const violation = undefinedBitsViolation(field, channel.space, mask);
    if (violation) violations.push(violation);
  }
  if (violations.length > 0) throw invalidMasks(violations);

  // Removals are always allowed: taking away cannot escalate.
  assertHoldsAdded(actorRole, actorEffective, channel.space, change[channel.added] ?? 0n);
}
