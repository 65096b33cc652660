import { describe, expect, it } from "vitest";
import { testRedisUrl } from "../../../test/support/store.js";
import { ManualClock } from "../clock.js";
import { openStore } from "./index.js";

const timeouts = { connectTimeoutSeconds: 5, commandTimeoutSeconds: 5 };

describe("openStore", () => {
  it("uses process memory when no Redis URL is configured", async () => {
    const store = await openStore({ url: "", keyPrefix: "synctv:", ...timeouts }, new ManualClock());
    expect(store.kind).toBe("memory");
    expect(store.keyPrefix).toBe("synctv:");
    await store.close();
  });

  const redisUrl = testRedisUrl();
  it.skipIf(redisUrl === undefined)("uses Redis when a URL is configured (needs SYNCTV_TEST_REDIS_URL)", async () => {
    const store = await openStore({ url: redisUrl!, keyPrefix: "synctv-test:open:", ...timeouts }, new ManualClock());
    expect(store.kind).toBe("redis");
    expect(await store.ping()).toBeGreaterThanOrEqual(0);
    await store.close();
  });
});
