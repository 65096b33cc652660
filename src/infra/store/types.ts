// The contract for short-lived shared state (spec 05 §10): TTL keys, counters and fixed windows,
// leases with fencing tokens and pub/sub. Redis backs it when configured, process memory otherwise.

export type StoreKind = "redis" | "memory";

/** Outcome of one hit on a fixed window (rate limits, brute force). */
export interface WindowHit {
  allowed: boolean;
  /** Hits counted in the current window after this call (a denied hit is not counted). */
  count: number;
  /** 0 when allowed; otherwise milliseconds until the window resets (0 < retryAfterMs ≤ windowMs). */
  retryAfterMs: number;
  /** Epoch milliseconds at which the current window ends, on the store's clock. */
  resetAtMs: number;
}

export interface LeaseGrant {
  /** Fencing token: strictly greater than every token handed out before for this lease name. */
  token: number;
}

export interface LeaseHolder {
  holderId: string;
  token: number;
}

export type MessageHandler = (message: string) => void;
export type Unsubscribe = () => Promise<void>;

/**
 * Short-lived shared state. Every key, lease name and channel is stored under the store's key
 * prefix, so several deployments (or test files) can share one Redis. Failures of the backing
 * service surface as rejected promises carrying a `StoreUnavailableError`.
 */
export interface ShortLivedStore {
  readonly kind: StoreKind;
  readonly keyPrefix: string;

  // --- TTL keys -------------------------------------------------------------------------------
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Writes only when the key does not exist; true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Reads and deletes atomically: among concurrent callers exactly one sees the value. */
  getDel(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /** Remaining time to live, or null when the key does not exist. */
  ttlMs(key: string): Promise<number | null>;

  // --- Counters and fixed windows ------------------------------------------------------------
  /** Adds `by` and returns the new value; the TTL is set when the key is created, never extended. */
  incr(key: string, by: number, ttlMs: number): Promise<number>;
  /**
   * Counts `cost` against `limit` in the current fixed window. Windows are aligned to the epoch on
   * the store's clock (Redis server time for Redis) so every process agrees where a window starts.
   * A denied hit does not consume budget.
   */
  hitWindow(key: string, windowMs: number, limit: number, cost?: number): Promise<WindowHit>;

  // --- Leases with fencing (spec 08 §7.2) ----------------------------------------------------
  /** Takes the lease when nobody holds it (not even `holderId` itself); null when it is held. */
  acquireLease(name: string, holderId: string, ttlMs: number): Promise<LeaseGrant | null>;
  /** Extends the lease only when (holderId, token) still holds it. */
  renewLease(name: string, holderId: string, token: number, ttlMs: number): Promise<boolean>;
  /** Deletes the lease only when (holderId, token) still holds it. */
  releaseLease(name: string, holderId: string, token: number): Promise<boolean>;
  getLeaseHolder(name: string): Promise<LeaseHolder | null>;

  // --- Expiring maps (presence: one field per node, 03 §1.2) -------------------------------------
  /**
   * Writes one field of the map `key` with its own TTL; the other fields keep theirs. Expiry is
   * judged on the store's clock (Redis server time), and the map lives as long as its longest field.
   */
  mapSet(key: string, field: string, value: string, ttlMs: number): Promise<void>;
  /** Removes one field; the map disappears with its last field. */
  mapDelete(key: string, field: string): Promise<void>;
  /** The fields of `key` that have not expired, as field → value (empty when the map is missing). */
  mapEntries(key: string): Promise<Map<string, string>>;

  // --- Pub/sub ---------------------------------------------------------------------------------
  /** Fire and forget: delivered to the subscribers present at the time, never synchronously. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function removes this handler. */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;

  // --- Lifecycle -------------------------------------------------------------------------------
  /** Round-trip latency in milliseconds (readiness and the health report). */
  ping(): Promise<number>;
  /** Releases connections and timers; idempotent. Later calls reject. */
  close(): Promise<void>;
}

/** Called with failures nobody awaits: connection errors, throwing subscribers. */
export type StoreErrorReporter = (error: unknown, context: string) => void;

export const DEFAULT_KEY_PREFIX = "synctv:";
