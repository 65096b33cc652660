import { createConnection, createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { deleteRedisKeysWithPrefix, testRedisUrl, uniqueTestKeyPrefix } from "../../../test/support/store.js";
import { StoreConfigError, StoreUnavailableError } from "./errors.js";
import { redactRedisUrl } from "./redis-connection.js";
import { createRedisStore } from "./redis-store.js";
import { describeStoreContract } from "./store.contract.js";

const redisUrl = testRedisUrl();
// One prefix for this file; each instance gets its own branch below it, and all of it is removed.
const filePrefix = uniqueTestKeyPrefix();
const timeouts = { connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 };

/** A TCP relay in front of Redis that a test can cut and restore, to play an outage. */
async function startRelay(target: URL, port = 0) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("relay has no port");
  return {
    port: address.port,
    async cut() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (redisUrl === undefined) {
  it.skip("redis contract: SYNCTV_TEST_REDIS_URL not set", () => {});
} else {
  const url = redisUrl;
  afterAll(() => deleteRedisKeysWithPrefix(url, filePrefix));

  describeStoreContract("redis", async () => {
    const keyPrefix = `${filePrefix}main:`;
    const [store, second, otherPrefix] = await Promise.all([
      createRedisStore({ url, keyPrefix, ...timeouts }),
      createRedisStore({ url, keyPrefix, ...timeouts }),
      createRedisStore({ url, keyPrefix: `${filePrefix}other:`, ...timeouts }),
    ]);
    return {
      store,
      second,
      otherPrefix,
      advance: (ms) => sleep(ms),
      close: async () => {
        await Promise.all([store.close(), second.close(), otherPrefix.close()]);
        await deleteRedisKeysWithPrefix(url, filePrefix);
      },
    };
  });

  describe("redis store specifics", () => {
    it("scripts still run after Redis lost its script cache", async () => {
      const store = await createRedisStore({ url, keyPrefix: `${filePrefix}flush:`, ...timeouts });
      const admin = createClient({ url });
      admin.on("error", () => {});
      await admin.connect();
      try {
        expect((await store.hitWindow("w", 60_000, 5)).count).toBe(1);
        await admin.scriptFlush();
        expect((await store.hitWindow("w", 60_000, 5)).count).toBe(2);
      } finally {
        await admin.close();
        await store.close();
      }
    });

    it("a lost connection rejects with StoreUnavailableError; keys and subscriptions work again when Redis returns", async () => {
      const relay = await startRelay(new URL(url));
      const store = await createRedisStore({
        url: `redis://127.0.0.1:${relay.port}`,
        keyPrefix: `${filePrefix}outage:`,
        connectTimeoutSeconds: 2,
        commandTimeoutSeconds: 2,
      });
      let restored: Awaited<ReturnType<typeof startRelay>> | undefined;
      const messages: string[] = [];
      try {
        await store.set("k", "v", 60_000);
        await store.subscribe("room:1", (message) => messages.push(message));
        await relay.cut();
        await expect(store.get("k")).rejects.toThrow(StoreUnavailableError);
        await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
        restored = await startRelay(new URL(url), relay.port);
        await vi.waitFor(async () => expect(await store.get("k")).toBe("v"), { timeout: 10_000, interval: 100 });
        // node-redis resubscribes on reconnect; messages published while it was away are lost.
        await vi.waitFor(
          async () => {
            await store.publish("room:1", "after-outage");
            expect(messages).toContain("after-outage");
          },
          { timeout: 10_000, interval: 100 },
        );
      } finally {
        await store.close();
        await restored?.cut();
      }
    });

    it("keys are written under the configured prefix", async () => {
      const keyPrefix = `${filePrefix}layout:`;
      const store = await createRedisStore({ url, keyPrefix, ...timeouts });
      const admin = createClient({ url });
      admin.on("error", () => {});
      await admin.connect();
      try {
        await store.set("ticket:abc", "v", 60_000);
        const grant = await store.acquireLease("cluster:leader", "node-1", 60_000);
        expect(await admin.get(`${keyPrefix}ticket:abc`)).toBe("v");
        // The layout of spec 08 §7.2, so operators find the lease where the runbook says.
        expect(await admin.get(`${keyPrefix}cluster:leader`)).toBe(`node-1:${grant!.token}`);
        expect(await admin.get(`${keyPrefix}cluster:leader:fence`)).toBe(String(grant!.token));
      } finally {
        await admin.close();
        await store.close();
      }
    });
  });
}

describe("redis store connection failures", () => {
  it("createRedisStore against a closed port fails fast with a clear error and no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const attempt = createRedisStore({
        url: "redis://synctv:s3cret-password@127.0.0.1:1",
        connectTimeoutSeconds: 0.5,
        commandTimeoutSeconds: 1,
      });
      const error = await attempt.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(String(error)).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 within 500 ms/);
      expect(String(error)).not.toContain("s3cret-password");
      // Give a late rejection from the abandoned connection attempt the chance to surface.
      await sleep(300);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("an unparsable URL is a configuration error that does not echo the password", async () => {
    const error = await createRedisStore({ url: "redis://u:s3cret@[bad", ...timeouts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConfigError);
    expect(String(error)).not.toContain("s3cret");
  });

  it("redacted URLs lose user and password", () => {
    expect(redactRedisUrl("redis://user:pw@redis.internal:6380/2")).toBe("redis://redis.internal:6380/2");
    expect(redactRedisUrl("not a url")).toBe("<unparsable redis url>");
  });
});
