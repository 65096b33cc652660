// Entry point of the short-lived store: Redis when a URL is configured, process memory otherwise
// (spec 05 §10). The composition root calls openStore once and passes the store on.

import type { Clock } from "../clock.js";
import { createMemoryStore } from "./memory-store.js";
import type { ShortLivedStore, StoreErrorReporter } from "./types.js";

export { StoreConfigError, StoreUnavailableError } from "./errors.js";
export { createMemoryStore, createMemoryStoreState, type MemoryStoreState } from "./memory-store.js";
export {
  DEFAULT_KEY_PREFIX,
  type LeaseGrant,
  type LeaseHolder,
  type MessageHandler,
  type ShortLivedStore,
  type StoreErrorReporter,
  type StoreKind,
  type Unsubscribe,
  type WindowHit,
} from "./types.js";

/** Mirrors the `redis` config section (spec 08: url, key_prefix, connect/command timeouts). */
export interface StoreOptions {
  url: string;
  keyPrefix: string;
  connectTimeoutSeconds: number;
  commandTimeoutSeconds: number;
  onError?: StoreErrorReporter;
}

export async function openStore(options: StoreOptions, clock: Clock): Promise<ShortLivedStore> {
  if (options.url !== "") {
    // Loaded on demand: the Redis client is a large module graph the embedded default never needs.
    const { createRedisStore } = await import("./redis-store.js");
    return createRedisStore(options);
  }
  return createMemoryStore({ clock, keyPrefix: options.keyPrefix, onError: options.onError });
}
