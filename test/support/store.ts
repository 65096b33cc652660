// Test fixtures for the short-lived store: real Redis under a unique key prefix when
// SYNCTV_TEST_REDIS_URL is set (spec 09), the in-process store otherwise.

import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { systemClock } from "../../src/infra/clock.js";
import { createMemoryStore } from "../../src/infra/store/memory-store.js";
import { createRedisStore } from "../../src/infra/store/redis-store.js";
import type { ShortLivedStore, StoreKind } from "../../src/infra/store/types.js";

export interface TestStore {
  store: ShortLivedStore;
  kind: StoreKind;
  close(): Promise<void>;
}

export function testRedisUrl(): string | undefined {
  const url = process.env.SYNCTV_TEST_REDIS_URL;
  return url === undefined || url === "" ? undefined : url;
}

/** A prefix no other test file or run uses; hex only, so it is safe inside a SCAN pattern. */
export function uniqueTestKeyPrefix(): string {
  return `synctv-test:${randomBytes(6).toString("hex")}:`;
}

/** Deletes every key under the prefix, so test runs leave a shared Redis as they found it. */
export async function deleteRedisKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

export async function createTestStore(): Promise<TestStore> {
  const url = testRedisUrl();
  if (url === undefined) {
    const store = createMemoryStore({ clock: systemClock });
    return { store, kind: "memory", close: () => store.close() };
  }
  const keyPrefix = uniqueTestKeyPrefix();
  const store = await createRedisStore({ url, keyPrefix, connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 });
  return {
    store,
    kind: "redis",
    async close() {
      await store.close();
      await deleteRedisKeysWithPrefix(url, keyPrefix);
    },
  };
}
