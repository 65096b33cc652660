// The audit action codes (spec 08 §4.5). Append-only: rows in audit_logs keep these strings forever,
// so a code is never renamed or reused; retired ones stay listed.

export const AuditAction = {
  serverStop: "server.stop",
  userCreate: "user.create",
  userBan: "user.ban",
  userUnban: "user.unban",
  userSetRole: "user.set_role",
  roomCreate: "room.create",
  roomDelete: "room.delete",
  roomMemberAdd: "room.member_add",
  roomMemberKick: "room.member_kick",
  playbackStart: "playback.start",
  playbackUpdate: "playback.update",
  playbackStop: "playback.stop",
  playbackNext: "playback.next",
  playbackPrevious: "playback.previous",
  playlistCreate: "playlist.create",
  playlistDelete: "playlist.delete",
  mediaAdd: "media.add",
  mediaDelete: "media.delete",
  userSetPassword: "user.set_password",
  userSetUsername: "user.set_username",
  userBatchBan: "user.batch_ban",
  roomBan: "room.ban",
  roomUnban: "room.unban",
  roomBatchBan: "room.batch_ban",
  roomBatchDelete: "room.batch_delete",
  roomSetPassword: "room.set_password",
  roomTransferOwnership: "room.transfer_ownership",
  roomSetVisibility: "room.set_visibility",
  roomSettingsUpdate: "room.settings_update",
  roomSettingsReset: "room.settings_reset",
  roomMemberSetPermissions: "room.member_set_permissions",
  roomMemberSetDisplay: "room.member_set_display",
  playlistUpdate: "playlist.update",
  playlistMove: "playlist.move",
  mediaUpdate: "media.update",
  mediaMove: "media.move",
  userPreferencesUpdate: "user.preferences_update",
  userDelete: "user.delete",
  userRestore: "user.restore",
  userBatchDelete: "user.batch_delete",
} as const;

export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Who writes a row: the public API (admins), the management plane, or the server itself. */
export type AuditSource = "api" | "management" | "system";

/** The synthetic root actor's name in audit rows (08 §4.1). */
export const MANAGEMENT_ACTOR_NAME = "local-management";
