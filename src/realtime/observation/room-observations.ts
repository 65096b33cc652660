// The ObservationHandler of this node (03 §2): validates an observe request, pairs it with its
// resource definition and runs it inside the connection's session. Works for any ObservingConnection
// (WebSocket, MessageStream, Watch*): terminations go through the `terminate` given at
// `connectionOpened`, or, for a connection never opened here, as a `termination` message via send().
import { create } from "@bufbuild/protobuf";
import { DeliveryMode } from "../../../gen/synctv/v1/common_pb.js";
import { type ObserveResource, RealtimeTerminationSchema } from "../../../gen/synctv/v1/realtime_pb.js";
import {
  alreadyExists,
  DomainError,
  failedPrecondition,
  invalidArgument,
  isDomainError,
  unimplemented,
} from "../../core/errors.js";
import { serverMessage } from "../frame-codec.js";
import type { ObservationHandler, ObservingConnection } from "../observation-handler.js";
import { ActiveObservation } from "./active-observation.js";
import { ConnectionSession, type SessionDeps, type Terminate } from "./connection-session.js";
import { EventShares } from "./event-shares.js";
import { observeErrorMessage } from "./observation-messages.js";
import type { ResourceCase, ResourceDefinition } from "./resource-definition.js";
import { RoomFanouts } from "./room-fanout.js";
import { ViewerRefreshes } from "./viewer-refreshes.js";

/** At most 64 observations per connection (03 §2). */
export const MAX_OBSERVATIONS_PER_CONNECTION = 64;
const MAX_OBSERVE_ID_CHARS = 128;

export interface RoomObservationsOptions extends SessionDeps {
  resources: readonly ResourceDefinition[];
  maxObservations?: number;
}

export class RoomObservations implements ObservationHandler {
  readonly #sessions = new Map<ObservingConnection, ConnectionSession>();
  readonly #resources = new Map<ResourceCase, ResourceDefinition>();
  readonly #max: number;
  readonly #refreshes: ViewerRefreshes;
  readonly #shares = new EventShares();
  readonly #fanouts: RoomFanouts<ConnectionSession>;

  constructor(private readonly options: RoomObservationsOptions) {
    this.#refreshes = new ViewerRefreshes(options.access);
    this.#fanouts = new RoomFanouts(options.hub, (err, session) => options.onUnexpected(err, session.connection));
    for (const definition of options.resources) this.#resources.set(definition.resource, definition);
    this.#max = options.maxObservations ?? MAX_OBSERVATIONS_PER_CONNECTION;
  }

  /** Starts following the room for this connection, so terminations reach it even before it observes. */
  connectionOpened(connection: ObservingConnection, terminate: Terminate): void {
    this.#session(connection, terminate);
  }

  async observe(connection: ObservingConnection, request: ObserveResource): Promise<void> {
    const { observeId } = request;
    const session = this.#session(connection);
    try {
      if ([...observeId].length < 1 || [...observeId].length > MAX_OBSERVE_ID_CHARS) {
        throw invalidArgument("observe_id must be 1–128 characters");
      }
      this.#checkSlot(session, observeId);
      const resource = request.resource;
      if (resource.case === undefined) throw invalidArgument("resource is required");
      const definition = this.#resources.get(resource.case);
      if (definition === undefined)
        throw unimplemented(`Observing ${resource.case} is not available on this server yet`);
      const viewer = await session.ensureViewer();
      definition.authorize(viewer, resource.value as never);
      if (session.closed) return;
      // Again after the read: streams may observe concurrently.
      this.#checkSlot(session, observeId);
      const observation = new ActiveObservation(
        observeId,
        definition,
        resource.value as never,
        request.deliveryMode === DeliveryMode.NOTIFY_ONLY,
        session,
      );
      // Registered before anything is read: events committed from here on are buffered, not lost.
      session.observations.set(observeId, observation);
      await observation.start();
    } catch (err) {
      let domain: DomainError;
      if (isDomainError(err)) {
        domain = err;
      } else {
        this.options.onUnexpected(err, connection);
        domain = new DomainError("INTERNAL", "Internal error");
      }
      session.send(observeErrorMessage(observeId, domain, connection.connectionId));
    }
  }

  async unobserve(connection: ObservingConnection, observeId: string): Promise<void> {
    const session = this.#sessions.get(connection);
    const observation = session?.observations.get(observeId);
    if (session === undefined || observation === undefined) return;
    observation.stop();
    session.observations.delete(observeId);
  }

  connectionClosed(connection: ObservingConnection): void {
    const session = this.#sessions.get(connection);
    if (session === undefined) return;
    this.#sessions.delete(connection);
    session.close();
  }

  /** Open sessions (tests, metrics). */
  sessionCount(): number {
    return this.#sessions.size;
  }

  #checkSlot(session: ConnectionSession, observeId: string): void {
    if (session.observations.has(observeId)) throw alreadyExists("observe_id is already in use on this connection");
    if (session.observations.size >= this.#max) {
      throw failedPrecondition(`At most ${this.#max} observations per connection`);
    }
  }

  #session(connection: ObservingConnection, terminate?: Terminate): ConnectionSession {
    const existing = this.#sessions.get(connection);
    if (existing !== undefined) return existing;
    const session = new ConnectionSession(
      connection,
      (code, message) => {
        this.#sessions.delete(connection);
        if (terminate) terminate(code, message);
        else
          connection.send(
            serverMessage({ case: "termination", value: create(RealtimeTerminationSchema, { code, message }) }),
          );
      },
      this.options,
      { refreshes: this.#refreshes, shares: this.#shares, fanouts: this.#fanouts },
    );
    this.#sessions.set(connection, session);
    return session;
  }
}
