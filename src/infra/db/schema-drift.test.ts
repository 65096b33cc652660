import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.js";
import { defaultMigrationsFolder } from "./migrations.js";
import * as schema from "./schema/index.js";

const run = promisify(execFile);
const migrationsFolder = defaultMigrationsFolder();
const repoRoot = dirname(migrationsFolder);

describe("drizzle schema and migrations", () => {
  it("are in sync: drizzle-kit generate finds nothing to add", async () => {
    // Generate into a copy so a drift never writes into the repository; the flags mirror drizzle.config.ts.
    const scratch = mkdtempSync(join(tmpdir(), "synctv-drift-"));
    try {
      cpSync(migrationsFolder, scratch, { recursive: true });
      const before = readdirSync(scratch).sort();
      const bin = join(repoRoot, "node_modules", "drizzle-kit", "bin.cjs");
      const { stdout } = await run(
        process.execPath,
        // drizzle-kit prefixes `--out` with "./", so it must be relative to the working directory.
        [
          bin,
          "generate",
          "--dialect",
          "postgresql",
          "--schema",
          "./src/infra/db/schema/*.ts",
          "--out",
          relative(repoRoot, scratch),
        ],
        { cwd: repoRoot },
      );
      expect(stdout).toContain("No schema changes");
      expect(readdirSync(scratch).sort()).toEqual(before);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe("a migrated database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function relations(kind: "r" | "v"): Promise<string[]> {
    const rows = await t.database.db.execute<{ name: string }>(
      sql`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = ${kind}`,
    );
    // postgres.js returns the rows as an array, PGlite as { rows }.
    const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { name: string }[] }).rows;
    return list.map((r) => r.name);
  }

  it("has every table the drizzle schema declares, and the user_account_profiles view", async () => {
    const declared = Object.values(schema as Record<string, unknown>)
      .filter((value): value is PgTable => is(value, PgTable))
      .map((table) => getTableConfig(table).name);
    expect(declared).toContain("users");
    expect(await relations("r")).toEqual(expect.arrayContaining(declared));
    expect(await relations("v")).toContain("user_account_profiles");
  });

  it("attaches set_updated_at() to every table of users, auth and rooms that has updated_at", async () => {
    const rows = await t.database.db.execute<{ table: string; has_trigger: boolean }>(
      sql`SELECT c.table_name AS table,
                 EXISTS (SELECT 1 FROM information_schema.triggers tr
                         WHERE tr.event_object_table = c.table_name AND tr.action_statement LIKE '%set_updated_at%') AS has_trigger
          FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'
            AND (c.table_name IN ('users', 'rooms') OR c.table_name LIKE 'user\\_%' OR c.table_name LIKE 'auth\\_%' OR c.table_name LIKE 'room\\_%')
            AND c.table_name <> 'user_account_profiles'`,
    );
    const list = Array.isArray(rows)
      ? rows
      : (rows as unknown as { rows: { table: string; has_trigger: boolean }[] }).rows;
    expect(list.length).toBeGreaterThanOrEqual(7);
    expect(list.filter((r) => !r.has_trigger).map((r) => r.table)).toEqual([]);
  });
});
