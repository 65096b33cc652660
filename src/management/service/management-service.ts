// The ManagementService implementation: one partial per RPC group, spread into one service, plus
// the list of mutating methods the audit interceptor records (08 §4.5).
import type { ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "../../../gen/synctv/management/v1/management_pb.js";
import { AuditAction } from "../../core/audit/audit-actions.js";
import { type AuditSink, recordStandalone } from "../../core/audit/audited-call.js";
import { libraryEditHandlers } from "./library-edit-group.js";
import { libraryHandlers } from "./library-group.js";
import type { ManagementServiceDeps } from "./management-deps.js";
import { memberHandlers } from "./member-group.js";
import { playbackHandlers } from "./playback-group.js";
import { roomHandlers } from "./room-group.js";
import { roomModerationHandlers } from "./room-moderation-group.js";
import { roomSettingsHandlers } from "./room-settings-group.js";
import { serverHandlers } from "./server-group.js";
import { userHandlers } from "./user-group.js";
import { userPreferencesHandlers } from "./user-preferences-group.js";

/** Method local names (as Connect reports them) → audit action. Read-only methods are absent. */
export const AUDITED_METHODS: ReadonlyMap<string, AuditAction> = new Map<string, AuditAction>([
  ["StopServer", AuditAction.serverStop],
  ["CreateUser", AuditAction.userCreate],
  ["BanUser", AuditAction.userBan],
  ["UnbanUser", AuditAction.userUnban],
  ["SetUserRole", AuditAction.userSetRole],
  ["CreateRoom", AuditAction.roomCreate],
  ["DeleteRoom", AuditAction.roomDelete],
  ["AddRoomMember", AuditAction.roomMemberAdd],
  ["KickRoomMember", AuditAction.roomMemberKick],
  ["StartPlayback", AuditAction.playbackStart],
  ["UpdatePlaybackState", AuditAction.playbackUpdate],
  ["StopPlayback", AuditAction.playbackStop],
  ["PlayNext", AuditAction.playbackNext],
  ["PlayPrevious", AuditAction.playbackPrevious],
  ["CreatePlaylist", AuditAction.playlistCreate],
  ["DeletePlaylist", AuditAction.playlistDelete],
  ["AddUrlMedia", AuditAction.mediaAdd],
  ["DeleteMedia", AuditAction.mediaDelete],
  ["SetUserPassword", AuditAction.userSetPassword],
  ["SetUsername", AuditAction.userSetUsername],
  ["BatchBanUsers", AuditAction.userBatchBan],
  ["BanRoom", AuditAction.roomBan],
  ["UnbanRoom", AuditAction.roomUnban],
  ["BatchBanRooms", AuditAction.roomBatchBan],
  ["BatchDeleteRooms", AuditAction.roomBatchDelete],
  ["SetRoomPassword", AuditAction.roomSetPassword],
  ["TransferRoomOwnership", AuditAction.roomTransferOwnership],
  ["SetRoomVisibility", AuditAction.roomSetVisibility],
  ["UpdateRoomSettings", AuditAction.roomSettingsUpdate],
  ["ResetRoomSettings", AuditAction.roomSettingsReset],
  ["UpdateRoomMemberPermissions", AuditAction.roomMemberSetPermissions],
  ["UpdateRoomMemberDisplay", AuditAction.roomMemberSetDisplay],
  ["UpdatePlaylist", AuditAction.playlistUpdate],
  ["MovePlaylist", AuditAction.playlistMove],
  ["AddMedia", AuditAction.mediaAdd],
  ["UpdateMedia", AuditAction.mediaUpdate],
  ["MoveMedia", AuditAction.mediaMove],
  ["UpdateUserPreferences", AuditAction.userPreferencesUpdate],
  ["DeleteUser", AuditAction.userDelete],
  ["RestoreUser", AuditAction.userRestore],
  ["BatchDeleteUsers", AuditAction.userBatchDelete],
]);

export function managementServiceImpl(
  deps: ManagementServiceDeps,
  audit: AuditSink,
): Partial<ServiceImpl<typeof ManagementService>> {
  return {
    ...serverHandlers(deps, (context) => recordStandalone(audit, context)),
    ...userHandlers(deps),
    ...roomHandlers(deps),
    ...memberHandlers(deps),
    ...playbackHandlers(deps),
    ...libraryHandlers(deps),
    ...libraryEditHandlers(deps),
    ...roomModerationHandlers(deps),
    ...roomSettingsHandlers(deps),
    ...userPreferencesHandlers(deps),
  };
}
