// Builders for database tests: valid inputs with overridable fields, so each test states only what it varies.
import type { RoomEventInput } from "../../src/infra/db/events/room-event-log.js";

export function buildRoomEventInput(overrides: Partial<RoomEventInput> = {}): RoomEventInput {
  const roomId = overrides.roomId ?? 1;
  return {
    roomId,
    resourceType: "room_settings",
    resourceId: String(roomId),
    eventType: "room_settings.updated",
    aggregateType: "room",
    aggregateId: String(roomId),
    aggregateVersion: 2,
    actorUserId: 7,
    payload: { settings: { chatEnabled: true } },
    summary: { changed: ["chatEnabled"] },
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
