import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, describeOnPostgres, type TestDatabase } from "../../../test/support/database.js";
import { authTokenBlacklist } from "../../infra/db/schema/index.js";
import {
  blacklistIfAbsent,
  blacklistKey,
  familyRevokedAt,
  isBlacklisted,
  revokeFamily,
} from "./token-blacklist-repository.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const HOUR = 3_600_000;
const jti = () => randomBytes(12).toString("hex");
const sid = () => randomBytes(16).toString("base64url");

describe("token blacklist", () => {
  it("inserts a key once: the first call gets true, a replay gets false", async () => {
    const key = blacklistKey.refresh(jti());
    expect(await blacklistIfAbsent(t.database.db, key, Date.now() + HOUR)).toBe(true);
    expect(await blacklistIfAbsent(t.database.db, key, Date.now() + HOUR)).toBe(false);
    expect(await isBlacklisted(t.database.db, key)).toBe(true);
  });

  it("does not report keys it never saw, nor keys of another namespace", async () => {
    const id = jti();
    await blacklistIfAbsent(t.database.db, blacklistKey.access(id), Date.now() + HOUR);
    expect(await isBlacklisted(t.database.db, blacklistKey.refresh(id))).toBe(false);
    expect(await isBlacklisted(t.database.db, blacklistKey.guest(jti()))).toBe(false);
  });

  it("ignores an entry past its expiry, and treats it as absent when inserting again", async () => {
    const key = blacklistKey.guest(jti());
    expect(await blacklistIfAbsent(t.database.db, key, Date.now() - 1000)).toBe(true);
    expect(await isBlacklisted(t.database.db, key)).toBe(false);
    expect(await blacklistIfAbsent(t.database.db, key, Date.now() + HOUR)).toBe(true);
    expect(await isBlacklisted(t.database.db, key)).toBe(true);
  });

  it("works inside a transaction, and a rolled-back insert leaves nothing behind", async () => {
    const key = blacklistKey.access(jti());
    await t.database
      .tx(async (tx) => {
        expect(await blacklistIfAbsent(tx, key, Date.now() + HOUR)).toBe(true);
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await isBlacklisted(t.database.db, key)).toBe(false);
  });
});

describe("refresh families", () => {
  it("report no revocation for a family never revoked", async () => {
    expect(await familyRevokedAt(t.database.db, 1, sid())).toBeNull();
  });

  it("record the revocation time under family:<userId>:<sid> with millisecond precision", async () => {
    const s = sid();
    const at = Date.UTC(2026, 10, 20, 12, 0, 0, 123);
    await revokeFamily(t.database.db, 42, s, at, Date.now() + HOUR);
    expect(await familyRevokedAt(t.database.db, 42, s)).toBe(at);
    expect(await familyRevokedAt(t.database.db, 43, s)).toBeNull();
    const [row] = await t.database.db
      .select()
      .from(authTokenBlacklist)
      .where(eq(authTokenBlacklist.jti, `family:42:${s}`));
    expect(row?.familyRevokedAt?.getTime()).toBe(at);
  });

  it("can be revoked again (logout retried): the later time wins and the expiry never shrinks", async () => {
    const s = sid();
    const now = Date.now();
    await revokeFamily(t.database.db, 7, s, now, now + 2 * HOUR);
    await revokeFamily(t.database.db, 7, s, now + 5000, now + HOUR);
    expect(await familyRevokedAt(t.database.db, 7, s)).toBe(now + 5000);
    await revokeFamily(t.database.db, 7, s, now - 5000, now + HOUR);
    expect(await familyRevokedAt(t.database.db, 7, s)).toBe(now + 5000);
    const [row] = await t.database.db
      .select()
      .from(authTokenBlacklist)
      .where(eq(authTokenBlacklist.jti, blacklistKey.family(7, s)));
    expect(row?.expiresAt.getTime()).toBe(now + 2 * HOUR);
  });

  it("forget a revocation whose entry expired", async () => {
    const s = sid();
    await revokeFamily(t.database.db, 8, s, Date.now() - 2 * HOUR, Date.now() - HOUR);
    expect(await familyRevokedAt(t.database.db, 8, s)).toBeNull();
  });
});

describeOnPostgres("token blacklist under concurrency", () => {
  it("two transactions inserting one refresh key at once: exactly one gets true", async () => {
    for (let round = 0; round < 10; round++) {
      const key = blacklistKey.refresh(jti());
      const results = await Promise.all(
        [0, 1].map(() =>
          t.database.tx(async (tx) => {
            const inserted = await blacklistIfAbsent(tx, key, Date.now() + HOUR);
            // Hold the transaction open a moment so the other one has to wait on the row.
            await new Promise((resolve) => setTimeout(resolve, 20));
            return inserted;
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});
