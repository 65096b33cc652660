// The 21 room permissions of spec 04 §9.1, by name. Names are the stable identity of a permission:
// bit values differ per bitspace, so everything that crosses a bitspace translates through these names.

/** Every room permission, in the order of the spec table (also the order `namesOf` returns). */
export const PERMISSIONS = [
  "send_chat_messages",
  "manage_own_media",
  "browse_library",
  "view_members",
  "view_chat_history",
  "use_voice_chat",
  "use_p2p_media",
  "control_playback_state",
  "navigate_playback",
  "delete_media",
  "reorder_media",
  "clear_media",
  "manage_live_streams",
  "review_join_requests",
  "remove_members",
  "manage_member_permissions",
  "add_members",
  "manage_room_settings",
  "delete_chat_messages",
  "delete_room",
  "view_playback_history",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const known: ReadonlySet<string> = new Set(PERMISSIONS);

/** Narrows untrusted input (runtime settings, request names) to a known permission name. */
export function isPermission(name: string): name is Permission {
  return known.has(name);
}
