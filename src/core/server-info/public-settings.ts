// The public projection of the runtime settings (spec 02 §3.8 GetPublicSettings). Only policy that
// a signed-out client needs; never a secret.
import type { PasswordPolicy, RuntimeSettings } from "../settings/runtime-settings.js";

export const CHAT_MAX_CHARS = 500;
export const UPLOAD_LIMITS = {
  avatarMaxBytes: 5 * 1024 * 1024,
  coverMaxBytes: 10 * 1024 * 1024,
  chatAttachmentMaxBytes: 50 * 1024 * 1024,
} as const;

export interface PublicSettings {
  serverName: string;
  enableGuest: boolean;
  signup: Record<"password" | "email" | "webauthn", { enabled: boolean; needReview: boolean }>;
  roomCreation: {
    enabled: boolean;
    approvalRequired: boolean;
    passwordPolicy: PasswordPolicy;
    maxRoomsPerUser: number;
  };
  defaultMaxMembers: number;
  chatMaxChars: number;
  maxPinnedChatMessagesPerRoom: number;
  uploadLimits: typeof UPLOAD_LIMITS;
  emailEnabled: boolean;
}

export function publicSettingsOf(s: RuntimeSettings): PublicSettings {
  return {
    serverName: s.server.name,
    enableGuest: s.user.enableGuest,
    signup: {
      password: { enabled: s.user.enablePasswordSignup, needReview: s.user.passwordSignupNeedReview },
      email: { enabled: s.user.enableEmailSignup, needReview: s.user.emailSignupNeedReview },
      webauthn: { enabled: s.user.enableWebauthnSignup, needReview: s.user.webauthnSignupNeedReview },
    },
    roomCreation: { ...s.roomCreation },
    defaultMaxMembers: s.roomDefaults.defaultMaxMembers,
    chatMaxChars: CHAT_MAX_CHARS,
    maxPinnedChatMessagesPerRoom: s.chat.maxPinnedMessagesPerRoom,
    uploadLimits: UPLOAD_LIMITS,
    emailEnabled: s.email.enabled,
  };
}
