// Shared set-up for the management suites: a real `synctv serve` on a fresh data dir, and the real
// CLI binary pointed at it (through SYNCTV_DATA_DIR, so the socket path is derived from the config).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../src/infra/db/database.js";
import { runCliProcess, type ServerProcess, serveEnv, startServerProcess } from "../support/server-process.js";

export interface ManagedServer {
  dataDir: string;
  server: ServerProcess;
  /** Runs `synctv <args>` against this server's data dir. */
  cli(args: string[], env?: Record<string, string>): ReturnType<typeof runCliProcess>;
  /** The same, with `stdin` piped to the CLI (for `--password -`). */
  cliWithStdin(args: string[], stdin: string): ReturnType<typeof runCliProcess>;
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
    cliWithStdin: (args, stdin) =>
      runCliWithStdin(["--no-dotenv", ...args], { SYNCTV_DATA_DIR: dataDir, ...extraEnv }, stdin),
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

const cliBin = resolve(import.meta.dirname, "../../bin/synctv.js");

/** runCliProcess with a piped stdin; SYNCTV_* from the developer's shell are left out as there. */
async function runCliWithStdin(args: string[], env: Record<string, string>, stdin: string) {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("SYNCTV_")) base[k] = v;
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: resolve(import.meta.dirname, "../.."),
    env: { ...base, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdin.end(stdin);
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
