// The in-process ShortLivedStore for a single node without Redis. Its state lives in a separate
// object so several handles can share it, the way several processes share one Redis.

import type { Clock } from "../clock.js";
import { assertPositiveInteger, assertSafeInteger, assertWindowArguments } from "./argument-checks.js";
import { StoreUnavailableError } from "./errors.js";
import { windowBounds } from "./fixed-window.js";
import { fenceKeyOf, formatLeaseValue, parseLeaseValue } from "./lease-value.js";
import { MemoryBus } from "./memory-bus.js";
import { type KeyspaceEntry, MemoryKeyspace } from "./memory-keyspace.js";
import {
  DEFAULT_KEY_PREFIX,
  type LeaseGrant,
  type LeaseHolder,
  type MessageHandler,
  type ShortLivedStore,
  type StoreErrorReporter,
  type Unsubscribe,
  type WindowHit,
} from "./types.js";

/** What one Redis would hold: keys, fencing counters (never expire) and channels. */
export interface MemoryStoreState {
  readonly keyspace: MemoryKeyspace;
  readonly fences: Map<string, number>;
  readonly bus: MemoryBus;
}

export function createMemoryStoreState(options: { maxEntries?: number } = {}): MemoryStoreState {
  return { keyspace: new MemoryKeyspace(options.maxEntries ?? 100_000), fences: new Map(), bus: new MemoryBus() };
}

export interface MemoryStoreOptions {
  clock: Clock;
  keyPrefix?: string;
  /** Share one state between handles (tests of "two processes"); a fresh one by default. */
  state?: MemoryStoreState;
  /** How often expired keys nobody reads are dropped (wall time). */
  sweepIntervalMs?: number;
  onError?: StoreErrorReporter;
}

const ignoreError: StoreErrorReporter = () => {};

export function createMemoryStore(options: MemoryStoreOptions): ShortLivedStore {
  const { clock } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const state = options.state ?? createMemoryStoreState();
  const reportError = options.onError ?? ignoreError;
  const { keyspace, fences, bus } = state;
  const unsubscribers = new Set<() => void>();
  let closed = false;

  const sweepTimer = setInterval(() => keyspace.sweep(clock.now()), options.sweepIntervalMs ?? 10_000);
  sweepTimer.unref();

  // Async on purpose: a closed handle rejects instead of throwing synchronously, like Redis.
  function open(): void {
    if (closed) throw new StoreUnavailableError("memory store is closed");
  }

  function readString(key: string): string | null {
    const entry = keyspace.read(keyPrefix + key, clock.now());
    if (entry === undefined) return null;
    if (entry.type !== "string") throw new TypeError(`key ${key} holds a window, not a string`);
    return entry.value;
  }

  function writeString(key: string, value: string, ttlMs: number): void {
    keyspace.write(keyPrefix + key, { type: "string", value, expiresAtMs: clock.now() + ttlMs });
  }

  /** The map's unexpired fields (expired ones are dropped on the way), or undefined when there is none. */
  function liveFields(key: string, now: number) {
    const entry = keyspace.read(keyPrefix + key, now);
    if (entry === undefined) return undefined;
    if (entry.type !== "map") throw new TypeError(`key ${key} does not hold a map`);
    for (const [field, value] of entry.fields) if (value.expiresAtMs <= now) entry.fields.delete(field);
    return entry.fields;
  }

  function writeMap(key: string, fields: Map<string, { value: string; expiresAtMs: number }>): void {
    let expiresAtMs = 0;
    for (const entry of fields.values()) expiresAtMs = Math.max(expiresAtMs, entry.expiresAtMs);
    keyspace.write(keyPrefix + key, { type: "map", fields, expiresAtMs });
  }

  return {
    kind: "memory",
    keyPrefix,

    async set(key, value, ttlMs) {
      open();
      assertPositiveInteger("ttlMs", ttlMs);
      writeString(key, value, ttlMs);
    },

    async setIfAbsent(key, value, ttlMs) {
      open();
      assertPositiveInteger("ttlMs", ttlMs);
      if (keyspace.read(keyPrefix + key, clock.now()) !== undefined) return false;
      writeString(key, value, ttlMs);
      return true;
    },

    async get(key) {
      open();
      return readString(key);
    },

    async getDel(key) {
      open();
      const value = readString(key);
      if (value !== null) keyspace.delete(keyPrefix + key);
      return value;
    },

    async del(key) {
      open();
      keyspace.delete(keyPrefix + key);
    },

    async ttlMs(key) {
      open();
      const now = clock.now();
      const entry = keyspace.read(keyPrefix + key, now);
      return entry === undefined ? null : entry.expiresAtMs - now;
    },

    async incr(key, by, ttlMs) {
      open();
      assertSafeInteger("by", by);
      assertPositiveInteger("ttlMs", ttlMs);
      const now = clock.now();
      const entry = keyspace.read(keyPrefix + key, now);
      if (entry === undefined) {
        keyspace.write(keyPrefix + key, { type: "string", value: String(by), expiresAtMs: now + ttlMs });
        return by;
      }
      const current = entry.type === "string" ? Number(entry.value) : Number.NaN;
      if (!Number.isSafeInteger(current)) throw new TypeError(`key ${key} does not hold an integer`);
      const next = current + by;
      keyspace.write(keyPrefix + key, { type: "string", value: String(next), expiresAtMs: entry.expiresAtMs });
      return next;
    },

    async hitWindow(key, windowMs, limit, cost = 1): Promise<WindowHit> {
      open();
      assertWindowArguments(windowMs, limit, cost);
      const now = clock.now();
      const { startMs, endMs } = windowBounds(now, windowMs);
      const entry = keyspace.read(keyPrefix + key, now);
      const count = entry?.type === "window" && entry.startMs === startMs ? entry.count : 0;
      if (count + cost > limit) {
        return { allowed: false, count, retryAfterMs: endMs - now, resetAtMs: endMs };
      }
      const next: KeyspaceEntry = { type: "window", startMs, count: count + cost, expiresAtMs: endMs };
      keyspace.write(keyPrefix + key, next);
      return { allowed: true, count: next.count, retryAfterMs: 0, resetAtMs: endMs };
    },

    async acquireLease(name, holderId, ttlMs): Promise<LeaseGrant | null> {
      open();
      assertPositiveInteger("ttlMs", ttlMs);
      const leaseKey = keyPrefix + name;
      if (keyspace.read(leaseKey, clock.now()) !== undefined) return null;
      const fenceKey = fenceKeyOf(leaseKey);
      const token = (fences.get(fenceKey) ?? 0) + 1;
      fences.set(fenceKey, token);
      writeString(name, formatLeaseValue(holderId, token), ttlMs);
      return { token };
    },

    async renewLease(name, holderId, token, ttlMs) {
      open();
      assertPositiveInteger("ttlMs", ttlMs);
      if (readString(name) !== formatLeaseValue(holderId, token)) return false;
      writeString(name, formatLeaseValue(holderId, token), ttlMs);
      return true;
    },

    async releaseLease(name, holderId, token) {
      open();
      if (readString(name) !== formatLeaseValue(holderId, token)) return false;
      keyspace.delete(keyPrefix + name);
      return true;
    },

    async getLeaseHolder(name): Promise<LeaseHolder | null> {
      open();
      const value = readString(name);
      return value === null ? null : parseLeaseValue(value);
    },

    async mapSet(key, field, value, ttlMs) {
      open();
      assertPositiveInteger("ttlMs", ttlMs);
      const now = clock.now();
      const fields = liveFields(key, now) ?? new Map<string, { value: string; expiresAtMs: number }>();
      fields.set(field, { value, expiresAtMs: now + ttlMs });
      writeMap(key, fields);
    },

    async mapDelete(key, field) {
      open();
      const fields = liveFields(key, clock.now());
      if (fields === undefined || !fields.delete(field)) return;
      if (fields.size === 0) keyspace.delete(keyPrefix + key);
      else writeMap(key, fields);
    },

    async mapEntries(key) {
      open();
      const fields = liveFields(key, clock.now());
      return new Map([...(fields ?? [])].map(([field, entry]) => [field, entry.value]));
    },

    async publish(channel, message) {
      open();
      bus.publish(keyPrefix + channel, message);
    },

    async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
      open();
      const remove = bus.subscribe(keyPrefix + channel, handler, reportError);
      unsubscribers.add(remove);
      return async () => {
        unsubscribers.delete(remove);
        remove();
      };
    },

    async ping() {
      open();
      return 0;
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      // This handle's subscriptions go with it, as a closed Redis connection's would.
      for (const remove of unsubscribers) remove();
      unsubscribers.clear();
    },
  };
}
