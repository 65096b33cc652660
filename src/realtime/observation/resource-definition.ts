// What one observable resource (spec 03 §2) implements for the observation handler: who may observe it,
// how its first answer is built, and how the room's committed events become payloads for one viewer.
//
// Adding a resource:
//   1. Write `resources/<name>.ts` exporting a factory `(deps: ObservationDeps) => ResourceDefinition`
//      of one of the three kinds below, keyed by its `ObserveResource.resource` oneof case:
//      - `snapshot`: a current value with a version (known_version); hub events trigger a re-read
//        or carry the new value (playback_state, room_settings, playlist_items, …);
//      - `durable`: a per-room durable log (`scope` "room" → room_resource_events, "chat" →
//        chat_message_events); the cursor is room_seq, `replay` reads the log after it, live hub
//        envelopes of the same scope pass `matches` (room_member_events, chat_events, …);
//      - `live`: not durable (presence); `start` opens a feed and pushes payloads through `emit`.
//   2. Add the factory to `resources/index.ts`. Until a case is registered it answers UNIMPLEMENTED.
//   3. If it needs a new core service, add an optional field to `ObservationDeps` and wire it in main.ts.
// `authorize` runs at observe time and again before every delivery, against the viewer's effective
// permissions, which the handler refreshes in event order (member / settings / room events), so a
// resource gets "stops at once when the permission is lost" without any code of its own.
import type { ObserveResource, ResourceEvent } from "../../../gen/synctv/v1/realtime_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { RoomMembership } from "../../core/members/room-membership.js";
import type { PlaybackDomain } from "../../core/playback/playback-domain.js";
import type { PlaylistLibrary } from "../../core/playlists/playlist-library.js";
import type { PresenceTracker } from "../../core/realtime-runtime/presence-tracker.js";
import type { RoomLifecycle } from "../../core/rooms/lifecycle/room-lifecycle.js";
import type { RoomAccess, RoomContext } from "../../core/rooms/room-access.js";
import type { Clock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database.js";
import type { RoomEventEnvelope, RoomEventLogScope } from "../../infra/db/events/room-event-log.js";

/** The `ObserveResource.resource` oneof cases. */
export type ResourceCase = NonNullable<ObserveResource["resource"]["case"]>;

/** The observation parameters of one case, e.g. `RoomMemberEventsObservation`. */
export type ObservationParams<C extends ResourceCase> = Extract<ObserveResource["resource"], { case: C }>["value"];

/** A `ResourceEvent.payload` other than `changed_only` (the handler builds that one for NOTIFY_ONLY). */
export type ResourcePayload = Exclude<ResourceEvent["payload"], { case: "changedOnly" } | { case: undefined }>;

/**
 * The observing side as the permission checks need it: the room gate's context for the connection's
 * actor (role, member row, effective permissions, room state). Refreshed in event order.
 */
export type ObservationViewer = RoomContext;

/** What resources may read. Later resources add optional fields (chat, presence) here. */
export interface ObservationDeps {
  database: Database;
  access: RoomAccess;
  ids: PublicIdCodec;
  clock: Clock;
  rooms: {
    lifecycle: Pick<RoomLifecycle, "settings">;
    membership: Pick<RoomMembership, "selfMember">;
    playback: Pick<PlaybackDomain, "reads" | "history">;
    library: Pick<PlaylistLibrary, "listItems">;
  };
  /** Live presence for online_count / online_event; absent → those observations answer UNAVAILABLE. */
  presence?: Pick<PresenceTracker, "subscribe">;
}

/** A position in a change stream: durable logs use (event id, room_seq), snapshots ('', version). */
export interface StreamCursor {
  eventId: string;
  sequence: number;
}

interface DefinitionBase<C extends ResourceCase> {
  readonly resource: C;
  /**
   * Throws a DomainError (PERMISSION_DENIED, …) when this viewer may not see the resource. Called at
   * observe time and before every delivery; a failure ends the observation with that error.
   */
  authorize(viewer: ObservationViewer, params: ObservationParams<C>): void;
  /**
   * Fan-out (optional): what one event's payload depends on for this observer, as a string. Observers
   * of one event with equal keys share one payload and one encoded frame, built for the first of
   * them (for a snapshot, `onEvent`'s answer; for a durable log, `toPayload`'s). Without it, or when
   * it answers null, the payload is built per observer.
   */
  shareKey?(envelope: RoomEventEnvelope, viewer: ObservationViewer, params: ObservationParams<C>): string | null;
}

/** A current value answered with its version; `known_version` equal to it means "unchanged". */
export interface SnapshotValue {
  version: number;
  payload: ResourcePayload;
}

export interface SnapshotResource<C extends ResourceCase = ResourceCase> extends DefinitionBase<C> {
  readonly kind: "snapshot";
  knownVersion(params: ObservationParams<C>): number;
  /** The current value as this viewer sees it (also used to refetch after a change). */
  read(viewer: ObservationViewer, params: ObservationParams<C>): Promise<SnapshotValue>;
  /**
   * How one committed room event affects it: `null` ignores it, `refetch` re-reads through `read`,
   * a value is sent as is (e.g. the playback state carried by the event). A value is sent only when
   * its version is newer than the last one sent; a re-read when it is newer, or equal but different
   * (effective permissions can change without a new member version).
   */
  onEvent(
    envelope: RoomEventEnvelope,
    viewer: ObservationViewer,
    params: ObservationParams<C>,
  ): null | "refetch" | SnapshotValue;
}

export type ReplayOutcome =
  | { kind: "events"; envelopes: RoomEventEnvelope[]; more: boolean }
  /** The cursor is older than what the log retains: FAILED_PRECONDITION, the client takes a snapshot. */
  | { kind: "expired" };

export interface DurableLogResource<C extends ResourceCase = ResourceCase> extends DefinitionBase<C> {
  readonly kind: "durable";
  /** Which per-room log and room_seq numbering; live hub envelopes of other scopes are never offered. */
  readonly scope: RoomEventLogScope;
  /** `after_event_sequence` of the request (0 = the retained history). */
  afterSequence(params: ObservationParams<C>): number;
  /** Whether a log entry of this scope belongs to the resource (e.g. resource type `room_member`). */
  matches(envelope: RoomEventEnvelope): boolean;
  /**
   * Entries with room_seq > `after`, oldest first, at most `limit`; `more` when the page is full.
   * Use `roomLogReplay` (durable-log-replay.ts) for the `room` scope.
   */
  replay(roomId: number, after: number, limit: number): Promise<ReplayOutcome>;
  /** The wire payload for this viewer; may read (e.g. a username). Answer synchronously when it does not. */
  toPayload(envelope: RoomEventEnvelope, viewer: ObservationViewer): ResourcePayload | Promise<ResourcePayload>;
}

/** What a live feed hands back when it starts. */
export interface LiveFeed {
  /** The first value (e.g. the current online count); omitted when there is none (events only). */
  initial?: ResourcePayload;
  /** Stops the feed; called on unobserve, on close and when the observation fails. */
  stop(): void;
}

export interface LiveResource<C extends ResourceCase = ResourceCase> extends DefinitionBase<C> {
  readonly kind: "live";
  /**
   * Opens the feed for one observation. `emit` delivers one payload (authorization is re-checked
   * by the handler before each); it is a no-op after `stop`.
   */
  start(
    viewer: ObservationViewer,
    params: ObservationParams<C>,
    emit: (payload: ResourcePayload) => void,
  ): Promise<LiveFeed>;
}

export type ResourceDefinition = SnapshotResource | DurableLogResource | LiveResource;

/** A factory per resource, so definitions can close over the deps they read. */
export type ResourceFactory = (deps: ObservationDeps) => ResourceDefinition;

/** Typed helper for a definition's own params inside a factory. */
export function defineResource<C extends ResourceCase>(
  definition: SnapshotResource<C> | DurableLogResource<C> | LiveResource<C>,
): ResourceDefinition {
  return definition as unknown as ResourceDefinition;
}
