// `room_settings` (03 §2): the settings document and its version, for anyone admitted.
import { create } from "@bufbuild/protobuf";
import { RoomSettingsSnapshotSchema } from "../../../../gen/synctv/v1/realtime_pb.js";
import { toRoomSettingsMessage } from "../../../api/mappers/room.js";
import { defineResource, type ObservationDeps, type ResourceDefinition } from "../resource-definition.js";

export function roomSettingsResource(deps: ObservationDeps): ResourceDefinition {
  return defineResource<"roomSettings">({
    kind: "snapshot",
    resource: "roomSettings",
    authorize() {},
    knownVersion: (params) => Number(params.knownVersion),
    async read(viewer) {
      const got = await deps.rooms.lifecycle.settings.get(viewer.actor, viewer.state.id);
      return {
        version: got.version,
        payload: {
          case: "roomSettings",
          value: create(RoomSettingsSnapshotSchema, {
            settings: toRoomSettingsMessage(got.settings),
            version: BigInt(got.version),
          }),
        },
      };
    },
    onEvent: (envelope) => (envelope.resourceType === "room_settings" ? "refetch" : null),
  });
}
