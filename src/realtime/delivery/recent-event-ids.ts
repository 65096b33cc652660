// The receivers' memory of event ids already delivered (08 §7.4: LRU of 100 000 ids, 10 min), so an
// event heard twice — after commit and again from the bus, or from two dispatchers — is dropped.
import type { Clock } from "../../infra/clock.js";

export const recentEventIdsCapacity = 100_000;
export const recentEventIdsTtlMs = 10 * 60_000;

export class RecentEventIds {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #ttlMs: number;
  /** id → expiry; a Map iterates in insertion order, so the oldest entry is always first. */
  readonly #expiries = new Map<string, number>();

  constructor(clock: Clock, options: { capacity?: number; ttlMs?: number } = {}) {
    this.#clock = clock;
    this.#capacity = options.capacity ?? recentEventIdsCapacity;
    this.#ttlMs = options.ttlMs ?? recentEventIdsTtlMs;
  }

  get size(): number {
    return this.#expiries.size;
  }

  /** Records `id`; false when it was already seen within the window (a duplicate). */
  remember(id: string): boolean {
    const now = this.#clock.now();
    this.#evict(now);
    const expiry = this.#expiries.get(id);
    if (expiry !== undefined && expiry > now) return false;
    this.#expiries.delete(id);
    this.#expiries.set(id, now + this.#ttlMs);
    if (this.#expiries.size > this.#capacity) this.#dropOldest();
    return true;
  }

  #evict(now: number): void {
    for (const [id, expiry] of this.#expiries) {
      if (expiry > now) return;
      this.#expiries.delete(id);
    }
  }

  #dropOldest(): void {
    for (const id of this.#expiries.keys()) {
      this.#expiries.delete(id);
      return;
    }
  }
}
