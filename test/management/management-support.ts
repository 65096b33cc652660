// Shared set-up for the management suites: a real `synctv serve` on a fresh data dir, and the real
// CLI binary pointed at it (through SYNCTV_DATA_DIR, so the socket path is derived from the config).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/infra/db/database.js";
import { runCliProcess, type ServerProcess, serveEnv, startServerProcess } from "../support/server-process.js";

export interface ManagedServer {
  dataDir: string;
  server: ServerProcess;
  /** Runs `synctv <args>` against this server's data dir. */
  cli(args: string[], env?: Record<string, string>): ReturnType<typeof runCliProcess>;
  /** The management address from the "SyncTV is serving" line. */
  managementAddress(): string;
  cleanup(): Promise<void>;
}

export async function startManagedServer(extraEnv: Record<string, string> = {}): Promise<ManagedServer> {
  // A short prefix: the socket path must fit the 107-byte Unix socket address.
  const dataDir = await mkdtemp(join(tmpdir(), "stv-mgmt-"));
  const server = await startServerProcess(serveEnv(dataDir, extraEnv));
  return {
    dataDir,
    server,
    cli: (args, env = {}) => runCliProcess(["--no-dotenv", ...args], { SYNCTV_DATA_DIR: dataDir, ...extraEnv, ...env }),
    managementAddress() {
      const line = server.lines.find((l) => l.includes('"SyncTV is serving"'));
      return (JSON.parse(line ?? "{}") as { management?: string }).management ?? "";
    },
    async cleanup() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function writeSecretFile(dir: string, name: string, value: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return file;
}

export type AuditRow = {
  actor_id: number | null;
  actor_name: string;
  source: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Record<string, unknown>;
  result: string;
};

/** Reads audit_logs from a stopped server's embedded database. */
export async function readAuditRows(dataDir: string): Promise<AuditRow[]> {
  const database = await openDatabase({ url: "", pgliteDir: join(dataDir, "pglite") });
  try {
    const result = await database.db.execute<AuditRow>(
      sql`SELECT actor_id, actor_name, source, action, target_type, target_id, details, result
          FROM audit_logs ORDER BY id`,
    );
    return Array.isArray(result) ? result : (result as unknown as { rows: AuditRow[] }).rows;
  } finally {
    await database.close();
  }
}
