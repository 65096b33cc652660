// Opens the configured engine (spec 06 §1, 08 §3.2): PostgreSQL when a URL is given, otherwise the
// embedded PGlite, on disk under `pgliteDir` or in memory. Everything else talks to the `Database` port.
import type { Database, DatabaseOptions } from "./database-port.js";
import { defaultMigrationsFolder } from "./migrations.js";
import { openPgliteDatabase } from "./pglite-database.js";
import { openPostgresDatabase } from "./postgres-database.js";

export type {
  Database,
  DatabaseDriver,
  DatabaseOptions,
  Db,
  DbExecutor,
  DbSchema,
  DbTransaction,
  MigrationStatus,
} from "./database-port.js";

/** Opens and verifies a connection; does not migrate (call `migrate()`). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  if (options.url === "") return openPgliteDatabase({ dataDir: options.pgliteDir, migrationsFolder });
  return openPostgresDatabase({
    url: options.url,
    maxConnections: options.maxConnections ?? 20,
    connectTimeoutSeconds: options.connectTimeoutSeconds ?? 10,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 600,
    statementTimeoutSeconds: options.statementTimeoutSeconds ?? 30,
    applicationName: options.applicationName ?? "synctv",
    migrationsFolder,
  });
}
