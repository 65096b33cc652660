// The in-process keyspace: values with an absolute expiry checked lazily on every read, a sweep for
// keys nobody reads again, and a size cap so a flood of distinct keys cannot exhaust memory.

export type KeyspaceEntry =
  | { type: "string"; value: string; expiresAtMs: number }
  /** A fixed window, the in-process twin of the Redis hash {s: start, c: count}. */
  | { type: "window"; startMs: number; count: number; expiresAtMs: number }
  /** An expiring map: each field has its own expiry; the entry's is the latest of them. */
  | { type: "map"; fields: Map<string, { value: string; expiresAtMs: number }>; expiresAtMs: number };

export class MemoryKeyspace {
  readonly #entries = new Map<string, KeyspaceEntry>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live entry, or undefined; an expired entry is removed on the way (Redis does the same). */
  read(key: string, nowMs: number): KeyspaceEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  write(key: string, entry: KeyspaceEntry): void {
    // Re-inserting moves the key to the end, so the map's order is "oldest write first".
    const existed = this.#entries.delete(key);
    if (!existed && this.#entries.size >= this.#maxEntries) this.#evictOldest();
    this.#entries.set(key, entry);
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Removes every expired entry; returns how many went. */
  sweep(nowMs: number): number {
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs <= nowMs) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  // Like Redis under maxmemory: losing short-lived state may reset a counter or cancel a ceremony,
  // which the spec accepts (05 §10); growing without bound is not acceptable.
  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}
