// Builds this node's observation handler (spec 03 §2) from the room hub and the room graph; the
// WebSocket listener and the API's MessageStream/Watch* streams share the one instance.
import type { Logger } from "../../infra/logging/logger.js";
import type { RoomEventHub } from "../delivery/room-event-hub.js";
import type { ObservationDeps } from "./resource-definition.js";
import { observableResources } from "./resources/index.js";
import { RoomObservations } from "./room-observations.js";

export type { Terminate } from "./connection-session.js";
export type { ObservationDeps, ResourceDefinition } from "./resource-definition.js";
export { MAX_OBSERVATIONS_PER_CONNECTION, RoomObservations } from "./room-observations.js";

export interface ObservationAssemblyInput extends ObservationDeps {
  hub: Pick<RoomEventHub, "subscribe">;
  log: Logger;
}

export function createRoomObservations(input: ObservationAssemblyInput): RoomObservations {
  const { hub, log, ...deps } = input;
  return new RoomObservations({
    hub,
    access: deps.access,
    resources: observableResources.map((factory) => factory(deps)),
    onUnexpected: (err, connection) => log.error({ err, connection_id: connection.connectionId }, "observation failed"),
  });
}
