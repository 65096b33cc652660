import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  describeOnPostgres,
  realPostgres,
  type TestDatabase,
} from "../../../test/support/database.js";
import { type Database, openDatabase } from "./database.js";
import { defaultMigrationsFolder, readJournal } from "./migrations.js";
import { settings, settingsGeneration } from "./schema/index.js";

// Every migration in the journal, so adding one does not require editing this test.
const allMigrations = readJournal(defaultMigrationsFolder()).map((e) => e.tag);

async function openEmpty(): Promise<{ database: Database; drop(): Promise<void> }> {
  const empty = await createEmptyPostgresDatabase();
  if (empty === null) {
    const database = await openDatabase({ url: "", pgliteDir: null });
    return { database, drop: () => database.close() };
  }
  const database = await openDatabase({ url: empty.url, pgliteDir: null });
  return {
    database,
    async drop() {
      await database.close();
      await empty.drop();
    },
  };
}

async function appliedCount(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(sql`drizzle.__drizzle_migrations`);
  return row?.n ?? 0;
}

describe(`migrations (${realPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("apply to an empty database, and applying them twice is a no-op", async () => {
    const { database, drop } = await openEmpty();
    try {
      expect(await database.migrationStatus()).toEqual({ applied: [], pending: allMigrations });
      await database.migrate();
      const [seeded] = await database.db.select({ n: count() }).from(settings);
      await database.migrate();
      expect(await appliedCount(database)).toBe(allMigrations.length);
      const [again] = await database.db.select({ n: count() }).from(settings);
      expect(again?.n).toBe(seeded?.n);
      expect(await database.migrationStatus()).toEqual({ applied: allMigrations, pending: [] });
    } finally {
      await drop();
    }
  });

  it("install pg_trgm, the only extension", async () => {
    const { database, drop } = await openEmpty();
    try {
      await database.migrate();
      const [row] = await database.db
        .select({ similarity: sql<number>`similarity('synctv', 'synctv')` })
        .from(sql`(SELECT 1) AS one`);
      expect(Number(row?.similarity)).toBe(1);
    } finally {
      await drop();
    }
  });
});

describe("seeded runtime settings", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("report no pending migration on a test database", async () => {
    expect((await t.database.migrationStatus()).pending).toEqual([]);
  });

  it("hold the defaults of the operations spec, each wrapped as {v: value}", async () => {
    const rows = await t.database.db.select().from(settings);
    const byKey = new Map(rows.map((r) => [r.key, r.value]));
    expect(byKey.get("server.name")).toEqual({ v: "SyncTV" });
    expect(byKey.get("roomCreation.enabled")).toEqual({ v: true });
    expect(byKey.get("roomCreation.maxRoomsPerUser")).toEqual({ v: 10 });
    expect(byKey.get("user.enablePasswordSignup")).toEqual({ v: true });
    expect(byKey.get("user.enableGuest")).toEqual({ v: true });
    expect(byKey.get("chat.maxMessagesPerRoom")).toEqual({ v: 500 });
    expect(byKey.get("email.smtpHost")).toEqual({ v: null });
    expect(byKey.get("permissions.guestDefaultPermissions")).toEqual({ v: [] });
    const adminDefaults = byKey.get("permissions.adminDefaultPermissions")?.v;
    expect(adminDefaults).toHaveLength(20);
    expect(adminDefaults).not.toContain("delete_room");
    expect(byKey.get("permissions.memberDefaultPermissions")?.v).toHaveLength(7);
    expect(rows.every((r) => r.updatedBy === null)).toBe(true);
  });

  it("start at generation 1 in the single settings_generation row", async () => {
    const rows = await t.database.db.select().from(settingsGeneration);
    expect(rows).toEqual([expect.objectContaining({ id: 1, generation: 1, guestEpoch: 1 })]);
  });

  it("notify synctv_settings_changed with the key after a committed update, and bump updated_at", async () => {
    const received: string[] = [];
    const unlisten = await t.database.listen("synctv_settings_changed", (key) => received.push(key));
    try {
      const [before] = await t.database.db.select().from(settings).where(eq(settings.key, "server.name"));
      await t.database.tx(async (tx) => {
        await tx
          .update(settings)
          .set({ value: { v: "Movie night" }, updatedAt: new Date(0) })
          .where(eq(settings.key, "server.name"));
      });
      await expect.poll(() => received, { timeout: 5000 }).toEqual(["server.name"]);
      const [after] = await t.database.db.select().from(settings).where(eq(settings.key, "server.name"));
      expect(after?.value).toEqual({ v: "Movie night" });
      // The trigger owns updated_at: an explicit value from the application is overridden.
      expect(after?.updatedAt.getTime()).toBeGreaterThanOrEqual(before?.updatedAt.getTime() ?? 0);
    } finally {
      await unlisten();
    }
  });
});

describeOnPostgres("migrations on PostgreSQL under concurrency", () => {
  it("two nodes migrating a fresh database at once apply each migration once", async () => {
    const empty = await createEmptyPostgresDatabase();
    if (empty === null) throw new Error("unreachable: describeOnPostgres runs only on PostgreSQL");
    const a = await openDatabase({ url: empty.url, pgliteDir: null });
    const b = await openDatabase({ url: empty.url, pgliteDir: null });
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      expect(await appliedCount(a)).toBe(allMigrations.length);
      expect((await b.migrationStatus()).pending).toEqual([]);
      const [generations] = await a.db.select({ n: count() }).from(settingsGeneration);
      expect(generations?.n).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await empty.drop();
    }
  });
});
