// A room's settings document (spec 04 §3): camelCase keys in room_settings.settings, versioned by
// room_settings.version. Reading is tolerant (unknown keys ignored, missing keys defaulted), so
// adding a key later needs no data migration.
import type { RuntimeSettings } from "../settings/runtime-settings.js";

export type PlayModeName = "SEQUENTIAL" | "REPEAT_ONE" | "REPEAT_ALL" | "SHUFFLE";

export interface RoomSettingsDocument {
  allowGuestJoin: boolean;
  maxMembers: number;
  requireApproval: boolean;
  allowAutoJoin: boolean;
  chatEnabled: boolean;
  voiceChatEnabled: boolean;
  p2pMediaEnabled: boolean;
  autoPlay: { enabled: boolean; mode: PlayModeName; delay: number };
  waitForEveryone: boolean;
  /** Permission deltas, each in its role's bitspace; stored as decimal strings (JSON has no uint64). */
  adminAddedPermissions: bigint;
  adminRemovedPermissions: bigint;
  memberAddedPermissions: bigint;
  memberRemovedPermissions: bigint;
  guestAddedPermissions: bigint;
  guestRemovedPermissions: bigint;
}

export const MAX_MEMBERS_LIMIT = 10_000;
export const AUTO_PLAY_DELAY_LIMIT = 86_400;
const PLAY_MODES: readonly PlayModeName[] = ["SEQUENTIAL", "REPEAT_ONE", "REPEAT_ALL", "SHUFFLE"];
const MASK_KEYS = [
  "adminAddedPermissions",
  "adminRemovedPermissions",
  "memberAddedPermissions",
  "memberRemovedPermissions",
  "guestAddedPermissions",
  "guestRemovedPermissions",
] as const;

export function defaultRoomSettings(runtime: RuntimeSettings): RoomSettingsDocument {
  return {
    allowGuestJoin: false,
    maxMembers: runtime.roomDefaults.defaultMaxMembers,
    requireApproval: false,
    allowAutoJoin: true,
    chatEnabled: true,
    voiceChatEnabled: true,
    p2pMediaEnabled: true,
    autoPlay: { enabled: true, mode: "SEQUENTIAL", delay: 3 },
    waitForEveryone: false,
    adminAddedPermissions: 0n,
    adminRemovedPermissions: 0n,
    memberAddedPermissions: 0n,
    memberRemovedPermissions: 0n,
    guestAddedPermissions: 0n,
    guestRemovedPermissions: 0n,
  };
}

/** Stored JSON → document, defaulting anything missing or mistyped. */
export function readRoomSettings(stored: Record<string, unknown>, runtime: RuntimeSettings): RoomSettingsDocument {
  const doc = defaultRoomSettings(runtime);
  const bool = (k: keyof RoomSettingsDocument) => {
    const v = stored[k];
    if (typeof v === "boolean") (doc as unknown as Record<string, unknown>)[k] = v;
  };
  for (const k of [
    "allowGuestJoin",
    "requireApproval",
    "allowAutoJoin",
    "chatEnabled",
    "voiceChatEnabled",
    "p2pMediaEnabled",
    "waitForEveryone",
  ] as const) {
    bool(k);
  }
  if (typeof stored.maxMembers === "number" && Number.isInteger(stored.maxMembers)) doc.maxMembers = stored.maxMembers;
  const autoPlay = stored.autoPlay;
  if (autoPlay && typeof autoPlay === "object") {
    const a = autoPlay as Record<string, unknown>;
    if (typeof a.enabled === "boolean") doc.autoPlay.enabled = a.enabled;
    if (typeof a.mode === "string" && (PLAY_MODES as readonly string[]).includes(a.mode)) {
      doc.autoPlay.mode = a.mode as PlayModeName;
    }
    if (typeof a.delay === "number" && Number.isInteger(a.delay)) doc.autoPlay.delay = a.delay;
  }
  for (const k of MASK_KEYS) {
    const v = stored[k];
    if (typeof v === "string" && /^\d{1,20}$/.test(v)) doc[k] = BigInt(v);
  }
  return doc;
}

/** Document → stored JSON (an object, so the JSONB CHECK holds). */
export function storeRoomSettings(doc: RoomSettingsDocument): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc, autoPlay: { ...doc.autoPlay } };
  for (const k of MASK_KEYS) out[k] = doc[k].toString();
  return out;
}
