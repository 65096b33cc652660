// Room feature switches that gate a permission after its bit (spec 04 §9.5). A switched-off feature
// denies with FEATURE_DISABLED (4010) even when the bit is held; reading chat history is never switched.
import type { Permission } from "./permission-names.js";

export type FeatureSwitch = "chatEnabled" | "voiceChatEnabled" | "p2pMediaEnabled";

const SWITCHES: Partial<Record<Permission, FeatureSwitch>> = {
  send_chat_messages: "chatEnabled",
  use_voice_chat: "voiceChatEnabled",
  use_p2p_media: "p2pMediaEnabled",
};

/** The room-settings key that must be true for `perm` to be usable, if any. */
export function featureSwitchFor(perm: Permission): FeatureSwitch | undefined {
  return SWITCHES[perm];
}
