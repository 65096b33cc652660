import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, realPostgres, type TestDatabase } from "../../../test/support/database.js";
import { isDomainError } from "../../core/errors.js";
import { openDatabase } from "./database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function setting(name: string): Promise<string | undefined> {
  const [row] = await t.database.db
    .select({ value: sql<string>`current_setting(${name})` })
    .from(sql`(SELECT 1) AS one`);
  return row?.value;
}

describe("the database port", () => {
  it("runs every session in UTC", async () => {
    expect(await setting("TimeZone")).toBe("UTC");
  });

  // PGlite is one in-process connection: there is no server-side session to time out.
  it.skipIf(!realPostgres)("sets statement and idle-in-transaction timeouts on PostgreSQL", async () => {
    expect(await setting("statement_timeout")).toBe("30s");
    expect(await setting("idle_in_transaction_session_timeout")).toBe("1min");
  });

  it("reports ping latency in milliseconds", async () => {
    const latency = await t.database.ping();
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(5000);
  });

  it("delivers a NOTIFY to listeners until they unlisten", async () => {
    const received: string[] = [];
    const unlisten = await t.database.listen("synctv_test_channel", (payload) => received.push(payload));
    await t.database.notify("synctv_test_channel", "hello");
    await expect.poll(() => received, { timeout: 5000 }).toEqual(["hello"]);
    await unlisten();
    await t.database.notify("synctv_test_channel", "after");
    await t.database.ping();
    expect(received).toEqual(["hello"]);
  });

  it("returns the callback's value from tx and rolls back when it throws", async () => {
    expect(await t.database.tx(async () => 42)).toBe(42);
    await expect(
      t.database.tx(async () => {
        throw new Error("nope");
      }),
    ).rejects.toThrow("nope");
  });
});

describe("opening an unreachable PostgreSQL", () => {
  it("fails with the domain error serviceUnavailable", async () => {
    const error = await openDatabase({
      url: "postgres://postgres@127.0.0.1:1/none",
      pgliteDir: null,
      connectTimeoutSeconds: 2,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDomainError(error) && error.kind).toBe("SERVICE_UNAVAILABLE");
  });
});
