// Durable events of playback changes (spec 03 §2.1): one `playback_state` event per committed state
// write, payload = the new state, and one `playback_history` event when history rows change.
import type { RoomEventInput } from "../../infra/db/events/room-event-log.js";
import type { JsonObject } from "../../infra/db/schema/index.js";
import type { HistoryRow } from "./playback-history-repository.js";
import { type PlaybackStateView, stateToJson } from "./playback-view.js";

/** Why a source changed; also the reason the system chat message will carry (chat issue). */
export type SourceChangeReason = "SELECTED" | "NEXT" | "PREVIOUS" | "HISTORY_ENTRY" | "AUTO_ADVANCE";

export type PlaybackStateEventType =
  | "playback.updated"
  | "playback.source_changed"
  | "playback.stopped"
  | "playback.history_cursor_cleared";

export function playbackStateEvent(
  view: PlaybackStateView,
  eventType: PlaybackStateEventType,
  actorUserId: number | null,
  summary: JsonObject = {},
): RoomEventInput {
  return {
    roomId: view.roomId,
    resourceType: "playback_state",
    resourceId: String(view.roomId),
    eventType,
    aggregateType: "playback_state",
    aggregateId: String(view.roomId),
    aggregateVersion: view.timeline.version,
    actorUserId,
    payload: stateToJson(view),
    summary: { eventType, ...summary },
  };
}

export type HistoryEventType = "history.recorded" | "history.updated" | "history.deleted" | "history.cleared";

export function playbackHistoryEvent(
  roomId: number,
  eventType: HistoryEventType,
  actorUserId: number | null,
  payload: JsonObject,
): RoomEventInput {
  return {
    roomId,
    resourceType: "playback_history",
    eventType,
    aggregateType: "playback_history",
    aggregateId: String(roomId),
    actorUserId,
    payload,
    summary: { eventType },
  };
}

export function historyRowJson(row: HistoryRow): JsonObject {
  return {
    id: row.id,
    createdAtMs: row.createdAt.getTime(),
    sequence: row.sequence,
    mediaId: row.mediaId,
    playlistId: row.playlistId,
    mediaName: row.mediaName,
    playlistName: row.playlistName,
    positionSeconds: row.positionSeconds,
    selectedByUserId: row.selectedByUserId,
  };
}
