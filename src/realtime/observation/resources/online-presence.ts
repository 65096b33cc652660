// `online_count` (anyone admitted) and `online_event` (view_members), 03 §2: live, not durable. Both
// ride the node's PresenceTracker, which hears every node's changes through the shared store.

import { serviceUnavailable } from "../../../core/errors.js";
import { requirePermission } from "../../../core/rooms/room-access.js";
import { toOnlineEventMessage, toRoomPresenceMessage } from "../../presence/presence-messages.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function onlineCountResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"onlineCount">({
    kind: "live",
    resource: "onlineCount",
    // Anyone admitted to the room may see how many are online.
    authorize() {},
    async start(viewer, _params, emit) {
      if (deps.presence === undefined) throw serviceUnavailable("Presence is not available on this server");
      const feed = await deps.presence.subscribe(viewer.state.id, {
        counts: (counts) => emit({ case: "onlineCount", value: toRoomPresenceMessage(counts) }),
      });
      return {
        initial: { case: "onlineCount", value: toRoomPresenceMessage(feed.counts) },
        stop: feed.unsubscribe,
      };
    },
  });
}

export function onlineEventResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"onlineEvent">({
    kind: "live",
    resource: "onlineEvent",
    authorize(viewer) {
      requirePermission(viewer, "view_members");
    },
    async start(viewer, _params, emit) {
      if (deps.presence === undefined) throw serviceUnavailable("Presence is not available on this server");
      const feed = await deps.presence.subscribe(viewer.state.id, {
        event: (event) => emit({ case: "onlineEvent", value: toOnlineEventMessage(event, deps.ids) }),
      });
      // Events only: nothing is sent until someone comes or goes.
      return { stop: feed.unsubscribe };
    },
  });
}
