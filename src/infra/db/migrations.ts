// Where the drizzle-kit migrations live, which of them a database has applied, and the advisory
// lock key that makes concurrent starters apply them once (spec 06 §1).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationStatus } from "./database-port.js";

/** `pg_advisory_lock` key expression held for the whole migration run. */
export const migrationLockKeySql = "hashtextextended('synctv:migrations', 0)";

interface JournalEntry {
  tag: string;
  when: number;
}

/**
 * The `drizzle/` folder of the package. Found by walking up from this module, because it sits at a
 * different depth under `src/` (tsx) and `dist/src/` (built).
 */
export function defaultMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error("drizzle migrations folder (drizzle/meta/_journal.json) not found above " + import.meta.url);
}

export function readJournal(migrationsFolder: string): JournalEntry[] {
  const raw: unknown = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"));
  const entries = (raw as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new Error(`invalid drizzle journal in ${migrationsFolder}`);
  return entries.map((e: { tag?: unknown; when?: unknown }) => {
    if (typeof e.tag !== "string" || typeof e.when !== "number") {
      throw new Error(`invalid drizzle journal entry in ${migrationsFolder}`);
    }
    return { tag: e.tag, when: e.when };
  });
}

/**
 * drizzle's migrator applies every journal entry newer than the newest `created_at` recorded in
 * `drizzle.__drizzle_migrations`; status follows the same rule so "pending" means "migrate() would run it".
 */
export function computeMigrationStatus(journal: JournalEntry[], lastAppliedMillis: number | null): MigrationStatus {
  const applied: string[] = [];
  const pending: string[] = [];
  for (const entry of journal) {
    if (lastAppliedMillis !== null && entry.when <= lastAppliedMillis) applied.push(entry.tag);
    else pending.push(entry.tag);
  }
  return { applied, pending };
}

/** Runs one SQL statement on the engine's native client and returns its rows. */
export type QueryRows = (text: string) => Promise<Array<Record<string, unknown>>>;

/** Newest applied migration timestamp, or null before the first migration run. */
export async function lastAppliedMigrationMillis(queryRows: QueryRows): Promise<number | null> {
  // Two statements: a query naming a missing table fails at parse time, whatever its CASE says.
  const [exists] = await queryRows("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present");
  if (exists?.["present"] !== true) return null;
  const [row] = await queryRows("SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations");
  const last = row?.["last"];
  return typeof last === "string" ? Number(last) : null;
}
