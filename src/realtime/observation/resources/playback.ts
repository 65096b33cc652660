// `playback` (03 §2): the player-ready view of the current source, re-read whenever the source
// changes (its version is the timeline generation) or a library item is edited. Nothing playing
// answers an empty Playback. Not yet: a re-read when the resolved URLs expire.
import { create } from "@bufbuild/protobuf";
import { PlaybackSchema } from "../../../../gen/synctv/v1/playback_pb.js";
import { toPlaybackMessage } from "../../../api/mappers/playback.js";
import { LIBRARY_RESOURCE } from "../../../core/playlists/library-events.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

const SOURCE_EVENTS = new Set(["playback.source_changed", "playback.stopped"]);

export function playbackResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"playback">({
    kind: "snapshot",
    resource: "playback",
    authorize() {},
    knownVersion: () => 0,
    async read(viewer) {
      const roomId = viewer.state.id;
      const snapshot = await deps.rooms.playback.reads.getPlayback(viewer.actor, roomId);
      const value = snapshot.playback
        ? toPlaybackMessage(roomId, snapshot.playback, deps.ids)
        : create(PlaybackSchema, { roomId: deps.ids.encode("room", roomId) });
      return { version: snapshot.state.timeline.generation, payload: { case: "playback", value } };
    },
    onEvent(envelope) {
      if (envelope.resourceType === "playback_state") return SOURCE_EVENTS.has(envelope.eventType) ? "refetch" : null;
      // An edited item may be the one playing (new URLs, same generation): re-read, sent only if it differs.
      return envelope.resourceType === LIBRARY_RESOURCE && envelope.eventType === "media.edited" ? "refetch" : null;
    },
  });
}
