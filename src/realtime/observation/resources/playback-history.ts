// `playback_history` (03 §2): the first history page for holders of view_playback_history. Its
// version is the newest room_seq of the events that change the page (history rows or the cursor).
import { SortDirection } from "../../../../gen/synctv/v1/common_pb.js";
import { toPlaybackHistoryResponse } from "../../../api/mappers/playback.js";
import { requirePermission } from "../../../core/rooms/room-access.js";
import { latestRoomSeq } from "../durable-log-replay.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

/** State events that move the history cursor; plain PLAY/PAUSE/SEEK updates do not. */
const CURSOR_EVENTS = ["playback.source_changed", "playback.stopped", "playback.history_cursor_cleared"];

export function playbackHistoryResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"playbackHistory">({
    kind: "snapshot",
    resource: "playbackHistory",
    authorize(viewer) {
      requirePermission(viewer, "view_playback_history");
    },
    knownVersion: (params) => Number(params.knownVersion),
    async read(viewer, params) {
      const roomId = viewer.state.id;
      const version = await latestRoomSeq(deps.database.db, roomId, [
        { resourceType: "playback_history" },
        { resourceType: "playback_state", eventTypes: CURSOR_EVENTS },
      ]);
      const page = await deps.rooms.playback.history.list(viewer.actor, roomId, {
        cursor: "",
        limit: params.limit,
        newestFirst: params.sortDirection !== SortDirection.ASC,
      });
      return { version, payload: { case: "playbackHistory", value: toPlaybackHistoryResponse(page, deps.ids) } };
    },
    onEvent(envelope) {
      if (envelope.resourceType === "playback_history") return "refetch";
      return envelope.resourceType === "playback_state" && CURSOR_EVENTS.includes(envelope.eventType)
        ? "refetch"
        : null;
    },
  });
}
