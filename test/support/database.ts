// Test databases (spec 06 §4.9, stack notes "Data"): with SYNCTV_TEST_DATABASE_URL, a fresh
// PostgreSQL database per test file cloned from a migrated template; otherwise a migrated in-memory PGlite.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { describe, it } from "vitest";
import { type Database, openDatabase } from "../../src/infra/db/database.js";
import { defaultMigrationsFolder } from "../../src/infra/db/migrations.js";

const testDatabaseUrl = process.env["SYNCTV_TEST_DATABASE_URL"] ?? "";

/** True when tests run against a real PostgreSQL server. */
export const realPostgres = Boolean(testDatabaseUrl);

export interface TestDatabase {
  database: Database;
  engine: "pglite" | "postgres";
  /** Closes the connection and, on PostgreSQL, drops the per-file database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!realPostgres) {
    const database = await openDatabase({ url: "", pgliteDir: null });
    await database.migrate();
    return { database, engine: "pglite", drop: () => database.close() };
  }
  const name = `synctv_test_${randomBytes(6).toString("hex")}`;
  const admin = adminConnection();
  try {
    const template = await ensureTemplate(admin);
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const database = await openDatabase({ url: databaseUrl(name), pgliteDir: null, maxConnections: 30 });
  return {
    database,
    engine: "postgres",
    async drop() {
      await database.close();
      const cleanup = adminConnection();
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

/** An empty PostgreSQL database (not migrated), for tests of migrate() itself; null on PGlite. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!realPostgres) return null;
  const name = `synctv_test_${randomBytes(6).toString("hex")}`;
  const admin = adminConnection();
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: databaseUrl(name),
    async drop() {
      const cleanup = adminConnection();
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

/**
 * A describe block for behaviour only real PostgreSQL can show (lock contention, SKIP LOCKED,
 * concurrent migrations). On PGlite it registers one visibly skipped test saying why.
 */
export function describeOnPostgres(name: string, fn: () => void): void {
  if (realPostgres) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    it.skip(`${name} — needs real PostgreSQL (set SYNCTV_TEST_DATABASE_URL): PGlite has one connection, so locks never contend`, () => {});
  });
}

function databaseUrl(name: string): string {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function adminConnection(): postgres.Sql {
  return postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
}

/** Template name changes whenever a migration file changes, so a stale template is never reused. */
function templateName(): string {
  const folder = defaultMigrationsFolder();
  const hash = createHash("sha256");
  hash.update(readFileSync(join(folder, "meta", "_journal.json")));
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    hash.update(file);
    hash.update(readFileSync(join(folder, file)));
  }
  return `synctv_tpl_${hash.digest("hex").slice(0, 16)}`;
}

/**
 * Creates and migrates the template once across parallel vitest workers: under an advisory lock,
 * migrated under a temporary name and renamed at the end, so a crashed run never leaves a
 * half-migrated template behind.
 */
async function ensureTemplate(admin: postgres.Sql): Promise<string> {
  const template = templateName();
  await admin.unsafe("SELECT pg_advisory_lock(hashtextextended('synctv-test-template', 0))");
  try {
    const [existing] = await admin`SELECT 1 FROM pg_database WHERE datname = ${template}`;
    if (existing !== undefined) return template;
    const building = `${template}_build_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`CREATE DATABASE ${building}`);
    try {
      const database = await openDatabase({ url: databaseUrl(building), pgliteDir: null, maxConnections: 1 });
      try {
        await database.migrate();
      } finally {
        await database.close();
      }
      await admin.unsafe(`ALTER DATABASE ${building} RENAME TO ${template}`);
    } catch (error) {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      throw error;
    }
    return template;
  } finally {
    await admin.unsafe("SELECT pg_advisory_unlock(hashtextextended('synctv-test-template', 0))");
  }
}
