// The `Db` port of spec 06 §4.9: one drizzle type, transactions, LISTEN/NOTIFY and migrations that
// repositories and workers use without knowing whether PostgreSQL or PGlite is underneath.
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.js";

export type DbSchema = typeof schema;

/** The drizzle instance, typed with the whole schema; identical on both engines. */
export type Db = PgDatabase<PgQueryResultHKT, DbSchema>;

/** A drizzle transaction handed to `Database.tx` callbacks. */
export type DbTransaction = PgTransaction<PgQueryResultHKT, DbSchema, ExtractTablesWithRelations<DbSchema>>;

/** Anything a query can run on: the pool or an open transaction. */
export type DbExecutor = Db | DbTransaction;

export type DatabaseDriver = "postgres" | "pglite";

export interface MigrationStatus {
  /** Migration tags (file names without `.sql`) already applied, in order. */
  applied: string[];
  /** Migration tags `migrate()` would apply, in order. */
  pending: string[];
}

export interface DatabaseOptions {
  /** PostgreSQL URL; `''` selects the embedded PGlite. */
  url: string;
  /** PGlite data directory; `null` keeps PGlite in memory (tests). Ignored with a URL. */
  pgliteDir: string | null;
  maxConnections?: number;
  connectTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
  statementTimeoutSeconds?: number;
  applicationName?: string;
  /** Folder holding drizzle's `meta/_journal.json`; found next to the package by default. */
  migrationsFolder?: string;
}

export interface Database {
  readonly driver: DatabaseDriver;
  readonly db: Db;
  /**
   * Runs `fn` in one READ COMMITTED transaction. On PGlite it also holds the single connection:
   * other queries wait until it ends, so never await network I/O inside, and never use `db`
   * (instead of `tx`) inside `fn` — that query would wait for this very transaction.
   */
  tx<T>(fn: (tx: DbTransaction) => Promise<T>): Promise<T>;
  /** Round-trip latency of `SELECT 1` in milliseconds; throws `serviceUnavailable` when unreachable. */
  ping(): Promise<number>;
  /** Applies pending migrations under a session advisory lock, so concurrent starters apply them once. */
  migrate(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Subscribes to a NOTIFY channel; resolves once listening. The returned function unsubscribes. */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}
