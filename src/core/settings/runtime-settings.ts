// Product policy that operators change at runtime (spec 08 §5). P1 only reads it: the settings
// table is seeded with these defaults, and a snapshot is swapped in whole on every reload.
import { BUILT_IN_DEFAULTS, namesOf } from "../permissions/index.js";

export type PasswordPolicy = "optional" | "required" | "forbidden";

export interface RuntimeSettings {
  server: { name: string };
  roomDefaults: { defaultMaxMembers: number };
  /** Permission names (spec 04 §9.2); translated to masks by the permission engine. */
  permissions: {
    adminDefaultPermissions: string[];
    memberDefaultPermissions: string[];
    guestDefaultPermissions: string[];
  };
  roomCreation: {
    enabled: boolean;
    approvalRequired: boolean;
    passwordPolicy: PasswordPolicy;
    maxRoomsPerUser: number;
  };
  user: {
    enablePasswordSignup: boolean;
    passwordSignupNeedReview: boolean;
    enableEmailSignup: boolean;
    emailSignupNeedReview: boolean;
    enableWebauthnSignup: boolean;
    webauthnSignupNeedReview: boolean;
    enableGuest: boolean;
  };
  email: { enabled: boolean };
  chat: { maxMessagesPerRoom: number; maxPinnedMessagesPerRoom: number; messageRetentionDays: number };
  playbackHistory: { retentionDays: number; maxEntriesPerRoom: number };
  webrtc: { maxVoiceParticipantsPerRoom: number };
}

export const defaultRuntimeSettings: RuntimeSettings = {
  server: { name: "SyncTV" },
  roomDefaults: { defaultMaxMembers: 100 },
  // The seeded defaults (migration 0002), named from the permission engine's built-in masks.
  permissions: {
    adminDefaultPermissions: namesOf("admin", BUILT_IN_DEFAULTS.admin),
    memberDefaultPermissions: namesOf("admin", BUILT_IN_DEFAULTS.member),
    guestDefaultPermissions: namesOf("admin", BUILT_IN_DEFAULTS.guest),
  },
  roomCreation: { enabled: true, approvalRequired: false, passwordPolicy: "optional", maxRoomsPerUser: 10 },
  user: {
    enablePasswordSignup: true,
    passwordSignupNeedReview: false,
    enableEmailSignup: false,
    emailSignupNeedReview: false,
    enableWebauthnSignup: false,
    webauthnSignupNeedReview: false,
    enableGuest: true,
  },
  email: { enabled: false },
  chat: { maxMessagesPerRoom: 500, maxPinnedMessagesPerRoom: 20, messageRetentionDays: 90 },
  playbackHistory: { retentionDays: 90, maxEntriesPerRoom: 1000 },
  webrtc: { maxVoiceParticipantsPerRoom: 8 },
};

/** Where core reads the current snapshot from; the infra layer keeps it fresh. */
export interface RuntimeSettingsSource {
  current(): RuntimeSettings;
}

export const staticSettings = (settings: RuntimeSettings = defaultRuntimeSettings): RuntimeSettingsSource => ({
  current: () => settings,
});
