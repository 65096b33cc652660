// `chat_events` (03 §2): created / edited / deleted chat messages, replayed from the chat log
// (chat_message_events, its own room_seq) after `after_event_sequence` (0 = the retained history), for
// holders of view_chat_history. The payload is built from the event's own snapshot, never a read.

import { toChatMessageEvent } from "../../../api/mappers/chat.js";
import { chatEventFromEnvelope, chatLogPage } from "../../../core/chat/chat-event-reader.js";
import { requirePermission } from "../../../core/rooms/room-access.js";
import { CHAT_RESOURCE_TYPE } from "../../../infra/db/events/chat-event-log.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function chatEventsResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"chatEvents">({
    kind: "durable",
    resource: "chatEvents",
    scope: "chat",
    authorize(viewer) {
      requirePermission(viewer, "view_chat_history");
    },
    afterSequence: (params) => Number(params.afterEventSequence),
    matches: (envelope) => envelope.scope === "chat" && envelope.resourceType === CHAT_RESOURCE_TYPE,
    async replay(roomId, after, limit) {
      const page = await chatLogPage(deps.database.db, roomId, after, limit);
      return page.expired ? { kind: "expired" } : { kind: "events", envelopes: page.envelopes, more: page.more };
    },
    // Built from the event alone: one payload per event for every observer.
    shareKey: () => "",
    toPayload(envelope) {
      const event = chatEventFromEnvelope(envelope);
      if (event === null) throw new Error(`not a chat event envelope: ${envelope.eventId}`);
      return { case: "chatEvent", value: toChatMessageEvent(event, deps.ids) };
    },
  });
}
