// Applies a field-masked settings patch to a room's settings document (spec 02 §2.7, 04 §3): masked
// fields take the patch's value, masked-but-unset fields reset to their default, unmasked fields stay.
// Pure, so CreateRoom (every set field counts) and UpdateRoomSettings validate the same way.
import { type FieldViolation, invalidArgument } from "../../errors.js";
import type { RoomPermissionDeltas } from "../../permissions/index.js";
import {
  AUTO_PLAY_DELAY_LIMIT,
  MAX_MEMBERS_LIMIT,
  type PlayModeName,
  type RoomSettingsDocument,
} from "../room-settings-document.js";

/** The domain form of `RoomSettingsPatch`: every field optional, masks in their role's bitspace. */
export interface RoomSettingsPatch {
  allowGuestJoin?: boolean;
  maxMembers?: number;
  requireApproval?: boolean;
  allowAutoJoin?: boolean;
  chatEnabled?: boolean;
  voiceChatEnabled?: boolean;
  p2pMediaEnabled?: boolean;
  autoPlay?: { enabled?: boolean; mode?: PlayModeName; delay?: number };
  waitForEveryone?: boolean;
  adminAddedPermissions?: bigint;
  adminRemovedPermissions?: bigint;
  memberAddedPermissions?: bigint;
  memberRemovedPermissions?: bigint;
  guestAddedPermissions?: bigint;
  guestRemovedPermissions?: bigint;
}

type TopKey = Exclude<keyof RoomSettingsDocument, "autoPlay">;
type AutoPlayKey = keyof RoomSettingsDocument["autoPlay"];

// Mask path (snake_case, as on the wire) → document key. Nested paths exist only below auto_play.
const TOP_PATHS: Record<string, TopKey> = {
  allow_guest_join: "allowGuestJoin",
  max_members: "maxMembers",
  require_approval: "requireApproval",
  allow_auto_join: "allowAutoJoin",
  chat_enabled: "chatEnabled",
  voice_chat_enabled: "voiceChatEnabled",
  p2p_media_enabled: "p2pMediaEnabled",
  wait_for_everyone: "waitForEveryone",
  admin_added_permissions: "adminAddedPermissions",
  admin_removed_permissions: "adminRemovedPermissions",
  member_added_permissions: "memberAddedPermissions",
  member_removed_permissions: "memberRemovedPermissions",
  guest_added_permissions: "guestAddedPermissions",
  guest_removed_permissions: "guestRemovedPermissions",
};
const AUTO_PLAY_PATHS: Record<string, AutoPlayKey> = {
  "auto_play.enabled": "enabled",
  "auto_play.mode": "mode",
  "auto_play.delay": "delay",
};

const DELTA_KEYS: Record<string, keyof RoomPermissionDeltas> = {
  adminAddedPermissions: "adminAdded",
  adminRemovedPermissions: "adminRemoved",
  memberAddedPermissions: "memberAdded",
  memberRemovedPermissions: "memberRemoved",
  guestAddedPermissions: "guestAdded",
  guestRemovedPermissions: "guestRemoved",
};

export interface AppliedPatch {
  next: RoomSettingsDocument;
  /** The permission-delta keys the mask writes (even when unchanged), for `assertRoomDeltaEdit`. */
  deltaChange: Partial<RoomPermissionDeltas>;
}

/** The mask paths a patch "sets" (CreateRoom: every set field counts, 02 §3.3). */
export function pathsOfSetFields(patch: RoomSettingsPatch): string[] {
  const paths: string[] = [];
  for (const [path, key] of Object.entries(TOP_PATHS)) if (patch[key] !== undefined) paths.push(path);
  for (const [path, key] of Object.entries(AUTO_PLAY_PATHS)) if (patch.autoPlay?.[key] !== undefined) paths.push(path);
  return paths;
}

/**
 * `current` patched along `paths`; `defaults` supplies values for masked-but-unset fields. Unknown or
 * empty masks and out-of-range values are INVALID_ARGUMENT (3000). Permission rules are the caller's.
 */
export function applySettingsPatch(
  current: RoomSettingsDocument,
  defaults: RoomSettingsDocument,
  patch: RoomSettingsPatch,
  paths: readonly string[],
): AppliedPatch {
  if (paths.length === 0)
    throw invalidArgument("update_mask must name at least one path", { fieldViolations: [mask("empty")] });
  const next: RoomSettingsDocument = { ...current, autoPlay: { ...current.autoPlay } };
  const target = next as unknown as Record<TopKey, unknown>;
  const deltaChange: Partial<RoomPermissionDeltas> = {};

  for (const path of new Set(paths)) {
    const top = TOP_PATHS[path];
    if (top !== undefined) {
      const value = patch[top] ?? defaults[top];
      target[top] = value;
      const delta = DELTA_KEYS[top];
      if (delta !== undefined) deltaChange[delta] = value as bigint;
      continue;
    }
    if (path === "auto_play") {
      // The whole object: each unset sub-field resets, like any masked-but-unset field.
      next.autoPlay = {
        enabled: patch.autoPlay?.enabled ?? defaults.autoPlay.enabled,
        mode: patch.autoPlay?.mode ?? defaults.autoPlay.mode,
        delay: patch.autoPlay?.delay ?? defaults.autoPlay.delay,
      };
      continue;
    }
    const nested = AUTO_PLAY_PATHS[path];
    if (nested === undefined) {
      throw invalidArgument(`Unknown update_mask path "${path}"`, { fieldViolations: [mask(`unknown path ${path}`)] });
    }
    (next.autoPlay as Record<AutoPlayKey, unknown>)[nested] = patch.autoPlay?.[nested] ?? defaults.autoPlay[nested];
  }

  const violations = limitViolations(next);
  if (violations.length > 0) throw invalidArgument("Invalid room settings", { fieldViolations: violations });
  return { next, deltaChange };
}

function mask(description: string): FieldViolation {
  return { field: "update_mask", rule: "paths", description };
}

function limitViolations(doc: RoomSettingsDocument): FieldViolation[] {
  const out: FieldViolation[] = [];
  if (!Number.isSafeInteger(doc.maxMembers) || doc.maxMembers < 0 || doc.maxMembers > MAX_MEMBERS_LIMIT) {
    out.push({ field: "settings.max_members", rule: "range", description: `0 (unlimited) to ${MAX_MEMBERS_LIMIT}` });
  }
  const delay = doc.autoPlay.delay;
  if (!Number.isSafeInteger(delay) || delay < 0 || delay > AUTO_PLAY_DELAY_LIMIT) {
    out.push({
      field: "settings.auto_play.delay",
      rule: "range",
      description: `0 to ${AUTO_PLAY_DELAY_LIMIT} seconds`,
    });
  }
  for (const key of Object.keys(DELTA_KEYS) as TopKey[]) {
    const value = doc[key] as bigint;
    if (value < 0n || value >= 1n << 64n) {
      out.push({ field: `settings.${snake(key)}`, rule: "uint64", description: "must be an unsigned 64-bit mask" });
    }
  }
  return out;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
