// One observation on one connection (03 §2): its first answer (snapshot, durable replay or live feed)
// and then its deliveries. Events offered while the first answer is being built are buffered and
// delivered after it; durable entries at or below the last room_seq sent are dropped, so replay and
// live never overlap or leave a gap. A delivery that needs no read completes synchronously, so a
// room's fan-out costs no promise per observer; payloads are shared through the owner's EventShares.
import { create, equals } from "@bufbuild/protobuf";
import { ResourceEventSchema, type ServerMessage } from "../../../gen/synctv/v1/realtime_pb.js";
import { DomainError, failedPrecondition, isDomainError } from "../../core/errors.js";
import type { RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import { type EventShares, SharedDelivery } from "./event-shares.js";
import { observedMessage, observeErrorMessage } from "./observation-messages.js";
import type {
  DurableLogResource,
  LiveFeed,
  LiveResource,
  ObservationViewer,
  ResourceDefinition,
  ResourcePayload,
  SnapshotResource,
  SnapshotValue,
  StreamCursor,
} from "./resource-definition.js";

/** Durable replay is read in pages of this many entries. */
const REPLAY_PAGE = 500;

export interface ObservationOwner {
  readonly connectionId: string;
  /** What the observers of one event share (payloads, frames). */
  readonly shares: EventShares;
  send(message: ServerMessage): void;
  /** The viewer as of the last event processed (refreshed in event order by the session). */
  viewer(): ObservationViewer;
  /** The observation ended on its own (error): forget it. */
  forget(observation: ActiveObservation): void;
  /** A failure that is not a DomainError: logged, answered as INTERNAL. */
  onUnexpected(err: unknown): void;
}

type Pending = { kind: "event"; envelope: RoomEventEnvelope } | { kind: "emit"; payload: ResourcePayload };

/** A snapshot resource's answer to one event, shared by the observers with the same share key. */
type SnapshotChange = null | "refetch" | { version: number; delivery: SharedDelivery };

export class ActiveObservation {
  #state: "starting" | "live" | "ended" = "starting";
  readonly #pending: Pending[] = [];
  /** Durable: the last room_seq sent. Snapshot: the last version sent. */
  #lastSequence = 0;
  #lastPayload: ResourcePayload | null = null;
  #feed: LiveFeed | null = null;

  constructor(
    readonly observeId: string,
    readonly definition: ResourceDefinition,
    // The definition's own params type; the handler pairs them by oneof case.
    readonly params: never,
    readonly notifyOnly: boolean,
    private readonly owner: ObservationOwner,
  ) {}

  get ended(): boolean {
    return this.#state === "ended";
  }

  /** Sends the first answer, then whatever arrived meanwhile; afterwards events are delivered as offered. */
  async start(): Promise<void> {
    try {
      const def = this.definition;
      if (def.kind === "snapshot") await this.#startSnapshot(def);
      else if (def.kind === "durable") await this.#startDurable(def);
      else await this.#startLive(def);
      while (this.#state === "starting") {
        const next = this.#pending.shift();
        if (next === undefined) {
          this.#state = "live";
          break;
        }
        await this.#deliver(next);
      }
    } catch (err) {
      this.#fail(err);
    }
  }

  /**
   * One committed room event, in room order (called by the session, after its viewer refresh).
   * Returns a promise only when the delivery has to wait for a read; the next event must wait for it.
   */
  offer(envelope: RoomEventEnvelope): undefined | Promise<void> {
    if (this.#state === "ended") return undefined;
    if (this.#state === "starting") {
      this.#pending.push({ kind: "event", envelope });
      return undefined;
    }
    let delivering: undefined | Promise<void>;
    try {
      delivering = this.#deliverEvent(envelope);
    } catch (err) {
      this.#fail(err);
      return undefined;
    }
    return delivering?.catch((err: unknown) => this.#fail(err));
  }

  /** Re-checks the permission against the current viewer; false (and the observation ends) when lost. */
  reauthorize(): boolean {
    if (this.#state === "ended") return false;
    try {
      this.definition.authorize(this.owner.viewer(), this.params);
      return true;
    } catch (err) {
      this.#fail(err);
      return false;
    }
  }

  /** Unobserve or close: no answer, no further deliveries. */
  stop(): void {
    if (this.#state === "ended") return;
    this.#state = "ended";
    this.#pending.length = 0;
    this.#feed?.stop();
    this.#feed = null;
  }

  async #startSnapshot(def: SnapshotResource): Promise<void> {
    const value = await def.read(this.owner.viewer(), this.params);
    if (this.#state === "ended") return;
    const known = def.knownVersion(this.params);
    const changed = known === 0 || value.version !== known;
    const cursor: StreamCursor = { eventId: "", sequence: value.version };
    this.#lastSequence = value.version;
    this.#lastPayload = value.payload;
    this.owner.send(observedMessage(this.observeId, changed, cursor));
    if (changed) this.#send(new SharedDelivery(cursor, value.payload));
  }

  async #startDurable(def: DurableLogResource): Promise<void> {
    const roomId = this.owner.viewer().state.id;
    const after = def.afterSequence(this.params);
    const replayed: RoomEventEnvelope[] = [];
    let from = after;
    for (;;) {
      const page = await def.replay(roomId, from, REPLAY_PAGE);
      if (page.kind === "expired") {
        throw failedPrecondition("cursor expired: the events after it are no longer retained; take a snapshot", {
          metadata: { after_event_sequence: String(after) },
        });
      }
      replayed.push(...page.envelopes);
      const last = page.envelopes.at(-1);
      if (!page.more || last === undefined) break;
      from = last.roomSeq;
    }
    if (this.#state === "ended") return;
    const last = replayed.at(-1);
    this.#lastSequence = after;
    this.owner.send(
      observedMessage(
        this.observeId,
        replayed.length > 0,
        last ? { eventId: last.eventId, sequence: last.roomSeq } : { eventId: "", sequence: after },
      ),
    );
    for (const envelope of replayed) {
      // The viewer may have been refreshed meanwhile: a lost permission stops the replay too.
      if (!this.reauthorize()) return;
      await this.#deliverDurable(def, envelope, false);
    }
  }

  async #startLive(def: LiveResource): Promise<void> {
    const feed = await def.start(this.owner.viewer(), this.params, (payload) => {
      if (this.#state === "starting") this.#pending.push({ kind: "emit", payload });
      else if (this.#state === "live") {
        try {
          this.#deliver({ kind: "emit", payload });
        } catch (err) {
          this.#fail(err);
        }
      }
    });
    if (this.#state === "ended") {
      feed.stop();
      return;
    }
    this.#feed = feed;
    const cursor: StreamCursor = { eventId: "", sequence: 0 };
    this.owner.send(observedMessage(this.observeId, feed.initial !== undefined, cursor));
    if (feed.initial !== undefined) this.#send(new SharedDelivery(cursor, feed.initial));
  }

  #deliver(item: Pending): undefined | Promise<void> {
    if (item.kind === "event") return this.#deliverEvent(item.envelope);
    if (this.reauthorize()) this.#send(new SharedDelivery({ eventId: "", sequence: 0 }, item.payload));
    return undefined;
  }

  #deliverEvent(envelope: RoomEventEnvelope): undefined | Promise<void> {
    const def = this.definition;
    if (def.kind === "durable") {
      if (envelope.scope !== def.scope || !def.matches(envelope)) return undefined;
      if (!this.reauthorize()) return undefined;
      return this.#deliverDurable(def, envelope, true);
    }
    if (def.kind !== "snapshot") return undefined;
    const change = this.#snapshotChange(def, envelope);
    if (change === null || !this.reauthorize()) return undefined;
    if (change === "refetch") return this.#refetch(def);
    if (change.version > this.#lastSequence) this.#sendSnapshot(change.version, change.delivery);
    return undefined;
  }

  // The per-observer path of the fan-out: no closures here (tsx's keepNames makes each one costly).
  #snapshotChange(def: SnapshotResource, envelope: RoomEventEnvelope): SnapshotChange {
    const viewer = this.owner.viewer();
    const shareKey = def.shareKey?.(envelope, viewer, this.params) ?? null;
    if (shareKey === null) return snapshotChangeOf(def.onEvent(envelope, viewer, this.params));
    const key = `${def.resource}|${shareKey}`;
    const shares = this.owner.shares;
    const known = shares.get(envelope, key) as SnapshotChange | undefined;
    if (known !== undefined) return known;
    const change = snapshotChangeOf(def.onEvent(envelope, viewer, this.params));
    shares.set(envelope, key, change);
    return change;
  }

  async #refetch(def: SnapshotResource): Promise<void> {
    const value: SnapshotValue = await def.read(this.owner.viewer(), this.params);
    const same = value.version === this.#lastSequence && this.#samePayload(value.payload);
    if (value.version < this.#lastSequence || same) return;
    this.#sendSnapshot(value.version, new SharedDelivery({ eventId: "", sequence: value.version }, value.payload));
  }

  /** `live`: a hub event, whose payload may be shared; replays build their own. */
  #deliverDurable(def: DurableLogResource, envelope: RoomEventEnvelope, live: boolean): undefined | Promise<void> {
    if (envelope.roomSeq <= this.#lastSequence) return undefined;
    this.#lastSequence = envelope.roomSeq;
    const viewer = this.owner.viewer();
    let key: string | null = null;
    if (this.notifyOnly) key = `${def.resource}#notify`;
    else if (live) {
      const shareKey = def.shareKey?.(envelope, viewer, this.params) ?? null;
      if (shareKey !== null) key = `${def.resource}|${shareKey}`;
    }
    const shares = this.owner.shares;
    let delivery = (key === null ? undefined : shares.get(envelope, key)) as
      | SharedDelivery
      | Promise<SharedDelivery>
      | undefined;
    if (delivery === undefined) {
      const cursor: StreamCursor = { eventId: envelope.eventId, sequence: envelope.roomSeq };
      delivery = this.notifyOnly
        ? new SharedDelivery(cursor, null)
        : deliveryOf(cursor, def.toPayload(envelope, viewer));
      if (key !== null) {
        if (delivery instanceof Promise) delivery = shares.setPending(envelope, key, delivery);
        else shares.set(envelope, key, delivery);
      }
    }
    if (!(delivery instanceof Promise)) {
      this.#send(delivery);
      return undefined;
    }
    return delivery.then((d) => this.#send(d));
  }

  #sendSnapshot(version: number, delivery: SharedDelivery): void {
    this.#lastSequence = version;
    this.#lastPayload = delivery.payload;
    this.#send(delivery);
  }

  #send(delivery: SharedDelivery): void {
    if (this.#state === "ended") return;
    this.owner.send(delivery.event(this.notifyOnly).messageFor(this.observeId));
  }

  #samePayload(payload: ResourcePayload): boolean {
    const last = this.#lastPayload;
    if (last === null || last.case !== payload.case) return false;
    return equals(
      ResourceEventSchema,
      create(ResourceEventSchema, { payload: last }),
      create(ResourceEventSchema, { payload }),
    );
  }

  #fail(err: unknown): void {
    if (this.#state === "ended") return;
    this.stop();
    let domain: DomainError;
    if (isDomainError(err)) {
      domain = err;
    } else {
      this.owner.onUnexpected(err);
      domain = new DomainError("INTERNAL", "Internal error");
    }
    this.owner.send(observeErrorMessage(this.observeId, domain, this.owner.connectionId));
    this.owner.forget(this);
  }
}

function snapshotChangeOf(answer: null | "refetch" | SnapshotValue): SnapshotChange {
  if (answer === null || answer === "refetch") return answer;
  const cursor: StreamCursor = { eventId: "", sequence: answer.version };
  return { version: answer.version, delivery: new SharedDelivery(cursor, answer.payload) };
}

function deliveryOf(
  cursor: StreamCursor,
  payload: ResourcePayload | Promise<ResourcePayload>,
): SharedDelivery | Promise<SharedDelivery> {
  return payload instanceof Promise
    ? payload.then((p) => new SharedDelivery(cursor, p))
    : new SharedDelivery(cursor, payload);
}
