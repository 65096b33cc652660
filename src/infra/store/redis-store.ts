// The Redis ShortLivedStore, shared by every process of a deployment (spec 05 §10). Multi-step
// operations are Lua scripts; subscriptions use a second connection, opened on first use.

import { performance } from "node:perf_hooks";
import { assertPositiveInteger, assertSafeInteger, assertWindowArguments } from "./argument-checks.js";
import { StoreUnavailableError } from "./errors.js";
import { fenceKeyOf, formatLeaseValue, parseLeaseValue } from "./lease-value.js";
import {
  closeStoreClient,
  connectStoreClient,
  createStoreClient,
  type RedisConnectionSettings,
  type StoreRedisClient,
  toStoreError,
} from "./redis-connection.js";
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

export interface RedisStoreOptions {
  url: string;
  keyPrefix?: string;
  connectTimeoutSeconds: number;
  commandTimeoutSeconds: number;
  /** Connection errors after start-up and throwing subscribers; logged by the caller. */
  onError?: StoreErrorReporter;
}

const ignoreError: StoreErrorReporter = () => {};

/** Connects (failing fast with a StoreUnavailableError when Redis is down) and returns the store. */
export async function createRedisStore(options: RedisStoreOptions): Promise<ShortLivedStore> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const reportError = options.onError ?? ignoreError;
  const settings: RedisConnectionSettings = {
    url: options.url,
    connectTimeoutMs: Math.round(options.connectTimeoutSeconds * 1000),
    commandTimeoutMs: Math.round(options.commandTimeoutSeconds * 1000),
  };
  assertPositiveInteger("connectTimeoutSeconds × 1000", settings.connectTimeoutMs);
  assertPositiveInteger("commandTimeoutSeconds × 1000", settings.commandTimeoutMs);

  const client = createStoreClient(settings);
  await connectStoreClient(client, settings, "command", reportError);

  let closed = false;
  let subscriber: StoreRedisClient | undefined;
  let subscriberReady: Promise<StoreRedisClient> | undefined;

  // RESP connections in subscribe mode accept no other commands, hence the duplicate.
  function subscriberConnection(): Promise<StoreRedisClient> {
    if (subscriberReady === undefined) {
      const duplicate = client.duplicate();
      subscriber = duplicate;
      subscriberReady = connectStoreClient(duplicate, settings, "subscriber", reportError).then(
        () => duplicate,
        (error: unknown) => {
          // Let the next subscribe() try again with a fresh connection.
          subscriber = undefined;
          subscriberReady = undefined;
          throw error;
        },
      );
    }
    return subscriberReady;
  }

  async function run<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError("redis store is closed");
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  return {
    kind: "redis",
    keyPrefix,

    set(key, value, ttlMs) {
      return run(async () => {
        assertPositiveInteger("ttlMs", ttlMs);
        await client.set(keyPrefix + key, value, { expiration: { type: "PX", value: ttlMs } });
      });
    },

    setIfAbsent(key, value, ttlMs) {
      return run(async () => {
        assertPositiveInteger("ttlMs", ttlMs);
        const reply = await client.set(keyPrefix + key, value, {
          condition: "NX",
          expiration: { type: "PX", value: ttlMs },
        });
        return reply !== null;
      });
    },

    get(key) {
      return run(() => client.get(keyPrefix + key));
    },

    // GETDEL is one command, so exactly one of several concurrent callers gets the value.
    getDel(key) {
      return run(() => client.getDel(keyPrefix + key));
    },

    del(key) {
      return run(async () => {
        await client.del(keyPrefix + key);
      });
    },

    ttlMs(key) {
      return run(async () => {
        const remaining = await client.pTTL(keyPrefix + key);
        if (remaining === -2) return null;
        // -1: a key without expiry, written by something other than this store.
        return remaining === -1 ? Number.POSITIVE_INFINITY : remaining;
      });
    },

    incr(key, by, ttlMs) {
      return run(() => {
        assertSafeInteger("by", by);
        assertPositiveInteger("ttlMs", ttlMs);
        return client.incrWithTtl(keyPrefix + key, by, ttlMs);
      });
    },

    hitWindow(key, windowMs, limit, cost = 1): Promise<WindowHit> {
      return run(() => {
        assertWindowArguments(windowMs, limit, cost);
        return client.hitWindow(keyPrefix + key, windowMs, limit, cost);
      });
    },

    acquireLease(name, holderId, ttlMs): Promise<LeaseGrant | null> {
      return run(async () => {
        assertPositiveInteger("ttlMs", ttlMs);
        const leaseKey = keyPrefix + name;
        const token = await client.acquireLease(leaseKey, fenceKeyOf(leaseKey), holderId, ttlMs);
        return token > 0 ? { token } : null;
      });
    },

    renewLease(name, holderId, token, ttlMs) {
      return run(() => {
        assertPositiveInteger("ttlMs", ttlMs);
        return client.renewLease(keyPrefix + name, formatLeaseValue(holderId, token), ttlMs);
      });
    },

    releaseLease(name, holderId, token) {
      return run(() => client.releaseLease(keyPrefix + name, formatLeaseValue(holderId, token)));
    },

    getLeaseHolder(name): Promise<LeaseHolder | null> {
      return run(async () => {
        const value = await client.get(keyPrefix + name);
        return value === null ? null : parseLeaseValue(value);
      });
    },

    mapSet(key, field, value, ttlMs) {
      return run(async () => {
        assertPositiveInteger("ttlMs", ttlMs);
        await client.mapSet(keyPrefix + key, field, value, ttlMs);
      });
    },

    mapDelete(key, field) {
      return run(async () => {
        await client.hDel(keyPrefix + key, field);
      });
    },

    mapEntries(key) {
      return run(() => client.mapEntries(keyPrefix + key));
    },

    publish(channel, message) {
      return run(async () => {
        await client.publish(keyPrefix + channel, message);
      });
    },

    subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
      return run(async () => {
        const connection = await subscriberConnection();
        const prefixed = keyPrefix + channel;
        // A throwing handler must not disturb node-redis's dispatch to the other handlers.
        const listener = (message: string) => {
          try {
            handler(message);
          } catch (error) {
            reportError(error, `subscriber of ${channel} threw`);
          }
        };
        await connection.subscribe(prefixed, listener);
        return async () => {
          // After close() the connection (and every subscription on it) is already gone.
          if (closed || !connection.isOpen) return;
          try {
            await connection.unsubscribe(prefixed, listener);
          } catch (error) {
            throw toStoreError(error);
          }
        };
      });
    },

    ping() {
      return run(async () => {
        const startedAt = performance.now();
        await client.ping();
        return performance.now() - startedAt;
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([subscriber ? closeStoreClient(subscriber) : undefined, closeStoreClient(client)]);
    },
  };
}
