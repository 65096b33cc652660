// `playback_state` (03 §2): the room timeline for anyone admitted. Each committed state write carries
// the new state in its durable event, so observers get it without a read.

import { toPlaybackStateMessage } from "../../../api/mappers/playback.js";
import { stateFromJson } from "../../../core/playback/playback-view.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function playbackStateResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"playbackState">({
    kind: "snapshot",
    resource: "playbackState",
    authorize() {},
    // The state carried by the event is the same for every observer: built once per event.
    shareKey: () => "",
    knownVersion: (params) => Number(params.knownVersion),
    async read(viewer) {
      const snapshot = await deps.rooms.playback.reads.getPlayback(viewer.actor, viewer.state.id);
      return {
        version: snapshot.state.timeline.version,
        payload: { case: "playbackState", value: toPlaybackStateMessage(snapshot.state, deps.ids) },
      };
    },
    onEvent(envelope) {
      if (envelope.resourceType !== "playback_state" || envelope.payload === null) return null;
      const view = stateFromJson(envelope.payload, deps.clock.now());
      return {
        version: view.timeline.version,
        payload: { case: "playbackState", value: toPlaybackStateMessage(view, deps.ids) },
      };
    },
  });
}
