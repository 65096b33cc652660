// Room presence across nodes (03 §2 online_count/online_event, §2.3 resume): each node keeps its
// rooms' identities and connections, mirrors them into one expiring store field per node, and
// decides JOINED/LEFT; events and "counts changed" travel on one store channel to every node.
//
// Rules: a user with several connections counts once. When an identity's last connection closes, its
// presence is held for the resume window: a reconnect with that connection's resume token continues
// it silently; a reconnect without one ends it (LEFT) and starts a new one (JOINED); nobody coming
// back means LEFT when the window expires. Ties between nodes err towards a duplicate, never a loss.
import type { Clock } from "../../infra/clock.js";
import type { ShortLivedStore, Unsubscribe } from "../../infra/store/types.js";
import {
  identityKey,
  type OnlineEvent,
  type OnlineEventKind,
  type PresenceIdentity,
  type RoomPresenceCounts,
} from "./presence-identity.js";
import type { ResumeTokens } from "./resume-tokens.js";
import {
  countsOf,
  encodeNodeEntry,
  mergeNodeEntries,
  type NodeIdentity,
  presenceMapKey,
  type RoomIdentity,
} from "./room-presence-entries.js";

export const PRESENCE_CHANNEL = "presence:rooms";

export interface PresenceTrackerDeps {
  store: ShortLivedStore;
  clock: Clock;
  nodeId: string;
  /** Issues and checks resume tokens; its window is how long a presence is held after a disconnect. */
  tokens: ResumeTokens;
  /** How often this node rewrites its fields (they expire after `entryTtlMs` if the node dies). */
  refreshIntervalMs?: number;
  entryTtlMs?: number;
  /** Runs `fn` after `ms`; returns its cancel. Tests pass a manual scheduler. */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** Failures nobody awaits (store outages): presence degrades, connections keep working. */
  onError?: (err: unknown, context: string) => void;
}

export interface PresenceListener {
  counts?(counts: RoomPresenceCounts): void;
  event?(event: OnlineEvent): void;
}

export interface PresenceConnection {
  roomId: number;
  connectionId: string;
  identity: PresenceIdentity;
}

export interface RoomPresenceView {
  counts: RoomPresenceCounts;
  /** By identityKey; held presences have 0 connections. */
  identities: Map<string, RoomIdentity>;
}

/** What room reads need: the room-wide picture (member listing) and counts of many rooms (lists). */
export type PresenceReader = Pick<PresenceTracker, "view" | "countsOf">;

interface LocalIdentity {
  identity: PresenceIdentity;
  connections: Set<string>;
  /** Set while the presence is held for a resume: cancels the expiry. */
  cancelHold: (() => void) | null;
}

interface Subscriber {
  listener: PresenceListener;
  last: RoomPresenceCounts | null;
}

type ChannelMessage =
  | { t: "event"; e: OnlineEvent }
  | { t: "changed"; r: number }
  /** Another node continued (or ended) a presence this node holds: drop it silently. */
  | { t: "unpark"; r: number; k: string; by: string };

const defaultSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class PresenceTracker {
  readonly #rooms = new Map<number, Map<string, LocalIdentity>>();
  readonly #subscribers = new Map<number, Set<Subscriber>>();
  readonly #writes = new Map<number, { running: Promise<void> | null; next: Promise<void> | null }>();
  readonly #recounts = new Map<number, { dirty: boolean }>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #refreshMs: number;
  readonly #entryTtlMs: number;
  readonly #schedule: (fn: () => void, ms: number) => () => void;
  #unsubscribe: Unsubscribe | null = null;
  #refreshTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(private readonly deps: PresenceTrackerDeps) {
    this.#refreshMs = deps.refreshIntervalMs ?? 10_000;
    this.#entryTtlMs = deps.entryTtlMs ?? 3 * this.#refreshMs;
    this.#schedule = deps.schedule ?? defaultSchedule;
  }

  get resumeWindowMs(): number {
    return this.deps.tokens.windowMs;
  }

  /** Subscribes to the presence channel and starts the periodic refresh. */
  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.store.subscribe(PRESENCE_CHANNEL, (message) => this.#onMessage(message));
    this.#refreshTimer = setInterval(() => void this.#track(this.refresh()), this.#refreshMs);
    this.#refreshTimer.unref();
  }

  /** A fresh token for `welcome`; the realtime layer hands it back to `disconnect`. */
  issueResumeToken(): string {
    return this.deps.tokens.issue();
  }

  /**
   * A connection opened. The local registration is immediate; the JOINED decision reads the other
   * nodes first. Resolves with whether `resumeToken` continued a held presence.
   */
  connect(c: PresenceConnection, resumeToken?: string): Promise<{ resumed: boolean }> {
    const key = identityKey(c.identity);
    let room = this.#rooms.get(c.roomId);
    if (room === undefined) {
      room = new Map();
      this.#rooms.set(c.roomId, room);
    }
    const local = room.get(key);
    const wasLive = local !== undefined && local.connections.size > 0;
    const heldHere = local !== undefined && !wasLive ? local.identity : null;
    if (local === undefined) {
      room.set(key, { identity: c.identity, connections: new Set([c.connectionId]), cancelHold: null });
    } else {
      local.cancelHold?.();
      local.cancelHold = null;
      local.identity = c.identity;
      local.connections.add(c.connectionId);
    }
    return this.#track(this.#decideConnect(c, key, wasLive, heldHere, resumeToken));
  }

  async #decideConnect(
    c: PresenceConnection,
    key: string,
    wasLive: boolean,
    heldHere: PresenceIdentity | null,
    resumeToken: string | undefined,
  ): Promise<{ resumed: boolean }> {
    const { tokens, store, nodeId } = this.deps;
    let resumed = false;
    const events: { kind: OnlineEventKind; identity: PresenceIdentity }[] = [];
    try {
      if (resumeToken !== undefined && resumeToken !== "") {
        resumed = await tokens.claim(resumeToken, key, c.roomId);
      }
      if (!wasLive) {
        // Read before writing our own field: two nodes connecting at once both announce (a
        // duplicate JOINED) rather than both staying silent.
        const elsewhere = mergeNodeEntries(await store.mapEntries(presenceMapKey(c.roomId)), nodeId).get(key);
        const liveElsewhere = elsewhere !== undefined && elsewhere.connections > 0;
        const held = heldHere ?? (elsewhere === undefined ? null : elsewhere.identity);
        if (!liveElsewhere) {
          if (held !== null && !resumed) events.push({ kind: "LEFT", identity: held });
          if (held === null || !resumed) events.push({ kind: "JOINED", identity: c.identity });
        }
        if (elsewhere !== undefined && !liveElsewhere) {
          await this.#publish({ t: "unpark", r: c.roomId, k: key, by: nodeId });
        }
      }
    } catch (err) {
      this.#report(err, "presence connect");
    }
    await this.#write(c.roomId);
    for (const event of events) await this.#announce(c.roomId, event.kind, event.identity);
    return { resumed };
  }

  /**
   * A connection closed; `resumeToken` is the one its `welcome` carried. The identity's presence is
   * held for the resume window when this was its last connection on this node.
   */
  disconnect(c: PresenceConnection, resumeToken: string): Promise<void> {
    const key = identityKey(c.identity);
    const local = this.#rooms.get(c.roomId)?.get(key);
    if (local === undefined || !local.connections.delete(c.connectionId)) return Promise.resolve();
    if (local.connections.size === 0 && !this.#closed) {
      local.cancelHold = this.#schedule(
        () => void this.#track(this.#expire(c.roomId, key, local)),
        this.resumeWindowMs,
      );
    }
    return this.#track(
      (async () => {
        try {
          await this.deps.tokens.keep(resumeToken, key, c.roomId);
        } catch (err) {
          this.#report(err, "resume token");
        }
        await this.#write(c.roomId);
      })(),
    );
  }

  /** The resume window passed: drop the held presence; LEFT unless the identity is present elsewhere. */
  async #expire(roomId: number, key: string, held: LocalIdentity): Promise<void> {
    const room = this.#rooms.get(roomId);
    if (room?.get(key) !== held || held.connections.size > 0) return;
    held.cancelHold = null;
    room.delete(key);
    // Write before reading: two nodes expiring at once both see the other gone (a duplicate LEFT)
    // rather than both seeing the other still there.
    await this.#write(roomId);
    try {
      const elsewhere = mergeNodeEntries(await this.deps.store.mapEntries(presenceMapKey(roomId)), this.deps.nodeId);
      if (!elsewhere.has(key)) await this.#announce(roomId, "LEFT", held.identity);
    } catch (err) {
      this.#report(err, "presence expiry");
    }
  }

  /** The room-wide picture: every node's field merged; this node's own view if the store fails. */
  async view(roomId: number): Promise<RoomPresenceView> {
    const now = this.deps.clock.now();
    let identities: Map<string, RoomIdentity>;
    try {
      identities = mergeNodeEntries(await this.deps.store.mapEntries(presenceMapKey(roomId)));
    } catch (err) {
      this.#report(err, "presence read");
      identities = new Map();
      for (const [key, local] of this.#rooms.get(roomId) ?? []) {
        identities.set(key, {
          identity: local.identity,
          connections: local.connections.size,
          nodes: new Set([this.deps.nodeId]),
        });
      }
    }
    return { counts: countsOf(identities.values(), now), identities };
  }

  async counts(roomId: number): Promise<RoomPresenceCounts> {
    return (await this.view(roomId)).counts;
  }

  async countsOf(roomIds: readonly number[]): Promise<Map<number, RoomPresenceCounts>> {
    const unique = [...new Set(roomIds)];
    const counts = await Promise.all(unique.map((id) => this.counts(id)));
    return new Map(unique.map((id, i) => [id, counts[i] as RoomPresenceCounts]));
  }

  /**
   * Live counts and events of a room, from every node. Resolves with the current counts (the
   * listener hears changes from then on) and the function that stops it.
   */
  async subscribe(
    roomId: number,
    listener: PresenceListener,
  ): Promise<{ counts: RoomPresenceCounts; unsubscribe: () => void }> {
    const subscriber: Subscriber = { listener, last: null };
    let set = this.#subscribers.get(roomId);
    if (set === undefined) {
      set = new Set();
      this.#subscribers.set(roomId, set);
    }
    set.add(subscriber);
    const counts = await this.counts(roomId);
    subscriber.last ??= counts;
    return {
      counts,
      unsubscribe: () => {
        const current = this.#subscribers.get(roomId);
        current?.delete(subscriber);
        if (current?.size === 0) this.#subscribers.delete(roomId);
      },
    };
  }

  /** Rewrites this node's fields (keeping them alive) and re-reads counts for rooms with listeners. */
  async refresh(): Promise<void> {
    await Promise.all([...this.#rooms.keys()].map((roomId) => this.#write(roomId, false)));
    await Promise.all([...this.#subscribers.keys()].map((roomId) => this.#recount(roomId)));
  }

  /**
   * Stops timers and the subscription once pending writes are done. Presences still held keep their
   * field until the resume window would have passed, so a client resuming on another node stays
   * silent; nobody announces LEFT for them (the node is gone).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    for (const [roomId, room] of this.#rooms) {
      for (const local of room.values()) local.cancelHold?.();
      const held = [...room.values()].map((l) => ({ identity: l.identity, connections: 0 }));
      await this.deps.store
        .mapSet(presenceMapKey(roomId), this.deps.nodeId, encodeNodeEntry(held), this.resumeWindowMs)
        .catch((err: unknown) => this.#report(err, "presence close"));
    }
    this.#rooms.clear();
    await this.#unsubscribe?.().catch(() => {});
  }

  // --- store writes, coalesced per room ---------------------------------------------------------

  /** Writes this node's field of the room; concurrent callers share the next write. */
  #write(roomId: number, announce = true): Promise<void> {
    let slot = this.#writes.get(roomId);
    if (slot === undefined) {
      slot = { running: null, next: null };
      this.#writes.set(roomId, slot);
    }
    const s = slot;
    if (s.next !== null) return s.next;
    const run = () => {
      const running = this.#writeNow(roomId, announce).finally(() => {
        if (s.running === running) s.running = null;
        if (s.running === null && s.next === null) this.#writes.delete(roomId);
      });
      s.running = running;
      return running;
    };
    if (s.running === null) return run();
    s.next = s.running.then(() => {
      s.next = null;
      return run();
    });
    return s.next;
  }

  async #writeNow(roomId: number, announce: boolean): Promise<void> {
    const { store, nodeId } = this.deps;
    const room = this.#rooms.get(roomId);
    try {
      if (room === undefined || room.size === 0) {
        if (room !== undefined) this.#rooms.delete(roomId);
        await store.mapDelete(presenceMapKey(roomId), nodeId);
      } else {
        const identities: NodeIdentity[] = [...room.values()].map((l) => ({
          identity: l.identity,
          connections: l.connections.size,
        }));
        await store.mapSet(presenceMapKey(roomId), nodeId, encodeNodeEntry(identities), this.#entryTtlMs);
      }
      if (announce) await this.#publish({ t: "changed", r: roomId });
    } catch (err) {
      this.#report(err, "presence write");
    }
  }

  async #announce(roomId: number, kind: OnlineEventKind, identity: PresenceIdentity): Promise<void> {
    const event: OnlineEvent = { kind, roomId, identity, occurredAt: this.deps.clock.now() };
    try {
      await this.#publish({ t: "event", e: event });
    } catch (err) {
      this.#report(err, "presence event");
    }
  }

  #publish(message: ChannelMessage): Promise<void> {
    return this.deps.store.publish(PRESENCE_CHANNEL, JSON.stringify(message));
  }

  // --- the channel ------------------------------------------------------------------------------

  #onMessage(raw: string): void {
    let message: ChannelMessage;
    try {
      message = JSON.parse(raw) as ChannelMessage;
    } catch {
      return;
    }
    if (message.t === "event") {
      for (const s of this.#subscribers.get(message.e.roomId) ?? []) s.listener.event?.(message.e);
    } else if (message.t === "changed") {
      if (this.#subscribers.has(message.r)) void this.#track(this.#recount(message.r));
    } else if (message.t === "unpark" && message.by !== this.deps.nodeId) {
      const room = this.#rooms.get(message.r);
      const local = room?.get(message.k);
      if (room === undefined || local === undefined || local.connections.size > 0) return;
      local.cancelHold?.();
      room.delete(message.k);
      void this.#track(this.#write(message.r));
    }
  }

  /** Re-reads a room's counts and tells each listener whose last value differs; coalesced per room. */
  async #recount(roomId: number): Promise<void> {
    const running = this.#recounts.get(roomId);
    if (running !== undefined) {
      running.dirty = true;
      return;
    }
    const state = { dirty: true };
    this.#recounts.set(roomId, state);
    try {
      while (state.dirty) {
        state.dirty = false;
        const counts = await this.counts(roomId);
        for (const s of this.#subscribers.get(roomId) ?? []) {
          if (s.last !== null && sameCounts(s.last, counts)) continue;
          s.last = counts;
          s.listener.counts?.(counts);
        }
      }
    } finally {
      this.#recounts.delete(roomId);
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise)).catch(() => {});
    return promise;
  }

  #report(err: unknown, context: string): void {
    this.deps.onError?.(err, context);
  }
}

function sameCounts(a: RoomPresenceCounts, b: RoomPresenceCounts): boolean {
  return (
    a.onlineMemberCount === b.onlineMemberCount &&
    a.onlineGuestCount === b.onlineGuestCount &&
    a.connectionCount === b.connectionCount
  );
}
