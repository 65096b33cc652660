// The embedded engine: PGlite (PostgreSQL in WebAssembly) behind the `Database` port. One
// connection, one process: transactions serialize, and an on-disk directory is guarded by a lock file.
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate as drizzleMigrate } from "drizzle-orm/pglite/migrator";
import type { Database, Db, DbTransaction } from "./database-port.js";
import {
  computeMigrationStatus,
  lastAppliedMigrationMillis,
  migrationLockKeySql,
  type QueryRows,
  readJournal,
} from "./migrations.js";
import { acquirePgliteLock, type PgliteLock } from "./pglite-lock-file.js";
import { isFreshDataDir, seedFromTemplate } from "./pglite-template.js";
import * as schema from "./schema/index.js";

export interface PgliteDatabaseOptions {
  /** null: in memory. */
  dataDir: string | null;
  migrationsFolder: string;
}

export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  let lock: PgliteLock | null = null;
  if (options.dataDir !== null) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    lock = acquirePgliteLock(options.dataDir);
    if (isFreshDataDir(options.dataDir)) {
      try {
        await seedFromTemplate(options.dataDir, { migrationsFolder: options.migrationsFolder });
      } catch {
        // Only a directory that was empty a moment ago is removed: a failed copy leaves initdb
        // to PGlite, exactly as without a template.
        rmSync(options.dataDir, { recursive: true, force: true });
      }
    }
    mkdirSync(options.dataDir, { recursive: true });
  }
  let client: PGlite;
  try {
    client = await PGlite.create({ dataDir: options.dataDir ?? undefined, extensions: { pg_trgm } });
    await client.exec("SET TimeZone = 'UTC'");
  } catch (error) {
    lock?.release();
    throw error;
  }
  return new PgliteDatabase(client, lock, options.migrationsFolder);
}

class PgliteDatabase implements Database {
  readonly driver = "pglite";
  readonly db: Db;
  #closed = false;

  constructor(
    private readonly client: PGlite,
    private readonly lock: PgliteLock | null,
    private readonly migrationsFolder: string,
  ) {
    this.db = drizzle({ client, schema });
  }

  // PGlite's own transaction() holds its exclusive mutex until COMMIT/ROLLBACK, and every
  // top-level query takes the same mutex, so a query from another task waits for the transaction.
  tx<T>(fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.client.query("SELECT 1");
    return performance.now() - started;
  }

  async migrate(): Promise<void> {
    // The session lock is free on one connection, but keeps both engines on one code path.
    await this.client.query(`SELECT pg_advisory_lock(${migrationLockKeySql})`);
    try {
      await drizzleMigrate(drizzle({ client: this.client, schema }), { migrationsFolder: this.migrationsFolder });
    } finally {
      await this.client.query(`SELECT pg_advisory_unlock(${migrationLockKeySql})`);
    }
  }

  async migrationStatus() {
    const last = await lastAppliedMigrationMillis(this.#queryRows);
    return computeMigrationStatus(readJournal(this.migrationsFolder), last);
  }

  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.client.listen(channel, fn);
    return async () => {
      if (!this.#closed) await unlisten();
    };
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.client.close();
    } finally {
      this.lock?.release();
    }
  }

  #queryRows: QueryRows = async (text) => (await this.client.query<Record<string, unknown>>(text)).rows;
}
