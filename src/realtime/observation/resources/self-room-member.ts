// `self_room_member` (03 §2): the caller's member row and effective permissions, for signed-in
// members; re-read when a member event names the caller or the room's permission deltas change.
import { toRoomMemberMessage } from "../../../api/mappers/room.js";
import { requireMember } from "../../../core/rooms/room-access.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function selfRoomMemberResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"selfRoomMember">({
    kind: "snapshot",
    resource: "selfRoomMember",
    authorize(viewer) {
      requireMember(viewer);
    },
    knownVersion: (params) => Number(params.knownVersion),
    async read(viewer) {
      const view = await deps.rooms.membership.selfMember(viewer.actor, viewer.state.id);
      return {
        version: view.member.version,
        payload: {
          case: "selfRoomMember",
          value: toRoomMemberMessage(view.member, deps.ids, {
            username: view.username,
            effective: view.effective,
            showOverrides: view.showOverrides,
          }),
        },
      };
    },
    onEvent(envelope, viewer) {
      if (envelope.resourceType === "room_settings") return "refetch";
      const self = viewer.member?.userId;
      return envelope.resourceType === "room_member" && self !== undefined && envelope.userId === self
        ? "refetch"
        : null;
    },
  });
}
