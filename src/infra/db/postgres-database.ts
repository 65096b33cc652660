// The production engine: PostgreSQL through postgres.js behind the `Database` port. A pool for
// request work, postgres.js' dedicated LISTEN connection, and a one-connection client for migrations.
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { toServiceUnavailable } from "./connection-errors.js";
import type { Database, Db, DbTransaction } from "./database-port.js";
import {
  computeMigrationStatus,
  lastAppliedMigrationMillis,
  migrationLockKeySql,
  type QueryRows,
  readJournal,
} from "./migrations.js";
import * as schema from "./schema/index.js";

export interface PostgresDatabaseOptions {
  url: string;
  maxConnections: number;
  connectTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  statementTimeoutSeconds: number;
  applicationName: string;
  migrationsFolder: string;
}

/** Spec 06 §1: every session in UTC; a transaction left idle is cut after 60 s. */
const idleInTransactionTimeoutMs = 60_000;
/** Spec 06 §1: DDL waits at most 5 s for a lock. */
const ddlLockTimeoutMs = 5_000;

// postgres.js prints server NOTICEs (e.g. "schema already exists, skipping") to the console by default.
const ignoreNotice = () => {};

export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const client = postgres(options.url, {
    max: options.maxConnections,
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: options.idleTimeoutSeconds,
    onnotice: ignoreNotice,
    connection: {
      application_name: options.applicationName,
      TimeZone: "UTC",
      statement_timeout: options.statementTimeoutSeconds * 1000,
      idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
    },
  });
  try {
    await client`SELECT 1`;
  } catch (error) {
    await client.end({ timeout: 0 });
    throw toServiceUnavailable(error, "Database unreachable");
  }
  return new PostgresDatabase(client, options);
}

class PostgresDatabase implements Database {
  readonly driver = "postgres";
  readonly db: Db;

  constructor(
    private readonly client: postgres.Sql,
    private readonly options: PostgresDatabaseOptions,
  ) {
    this.db = drizzle({ client, schema });
  }

  async tx<T>(fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (error) {
      throw toServiceUnavailable(error);
    }
  }

  async ping(): Promise<number> {
    const started = performance.now();
    try {
      await this.client`SELECT 1`;
    } catch (error) {
      throw toServiceUnavailable(error);
    }
    return performance.now() - started;
  }

  // A session advisory lock needs one session for lock, migration and unlock: a pool could hand
  // each statement to a different connection. So migrations get their own one-connection client.
  async migrate(): Promise<void> {
    const session = postgres(this.options.url, {
      max: 1,
      connect_timeout: this.options.connectTimeoutSeconds,
      onnotice: ignoreNotice,
      connection: {
        application_name: `${this.options.applicationName}:migrate`,
        TimeZone: "UTC",
        lock_timeout: ddlLockTimeoutMs,
        idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
      },
    });
    try {
      await session.unsafe(`SELECT pg_advisory_lock(${migrationLockKeySql})`);
      // Whoever waited for the lock finds the work done: drizzle skips applied migrations.
      await drizzleMigrate(drizzle({ client: session, schema }), { migrationsFolder: this.options.migrationsFolder });
      await session.unsafe(`SELECT pg_advisory_unlock(${migrationLockKeySql})`);
    } catch (error) {
      throw toServiceUnavailable(error);
    } finally {
      // Ending the session also releases the lock if unlock never ran.
      await session.end({ timeout: 5 });
    }
  }

  async migrationStatus() {
    const last = await lastAppliedMigrationMillis(this.#queryRows);
    return computeMigrationStatus(readJournal(this.options.migrationsFolder), last);
  }

  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    // postgres.js keeps one dedicated LISTEN connection and re-listens after reconnects.
    const { unlisten } = await this.client.listen(channel, fn);
    return unlisten;
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.client.notify(channel, payload);
  }

  async close(): Promise<void> {
    await this.client.end({ timeout: 5 });
  }

  #queryRows: QueryRows = async (text) => [...(await this.client.unsafe<Record<string, unknown>[]>(text))];
}
