// Room permissions (spec 04 §9): names and bitspaces, defaults, evaluation, feature switches and the
// write rules. Pure: callers load member rows, settings and runtime defaults and pass them in.
export {
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
export { type FeatureSwitch, featureSwitchFor } from "./feature-switches.js";
export { assertOverrideEdit, type OverrideEditInput } from "./override-edits.js";
export {
  BUILT_IN_DEFAULTS,
  defaultsFromNames,
  type PermissionDefaultNames,
  type PermissionDefaults,
} from "./permission-defaults.js";
export {
  effectivePermissions,
  type MemberOverrides,
  NO_DELTAS,
  NO_OVERRIDES,
  type RoomPermissionDeltas,
  roomLevel,
} from "./permission-evaluation.js";
export { isPermission, PERMISSIONS, type Permission } from "./permission-names.js";
export { assertRoleChange, type ChangeableRole, type RoleChangeInput } from "./role-changes.js";
export { assertRoomDeltaEdit, type RoomDeltaEditInput } from "./room-delta-edits.js";
export { outranks, ROLE_RANK, type RoomRole } from "./room-roles.js";
