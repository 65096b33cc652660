// `synctv db migrate|status`: local database maintenance. On PGlite the lock file refuses to run
// while a server holds the data directory.
import type { Command } from "commander";
import { resolveDataPath } from "../../../infra/config/load.js";
import { formatProblem } from "../../../infra/config/problems.js";
import { openDatabase } from "../../../infra/db/database.js";
import { ExitCode } from "../exit-codes.js";
import { errorProblems, globalOptions, loadForCommand } from "../global-options.js";

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("database migrations");
  db.command("migrate")
    .description("apply pending migrations")
    .action((_opts, command: Command) =>
      withDatabase(command, async (database) => {
        const before = await database.migrationStatus();
        await database.migrate();
        process.stdout.write(`applied ${before.pending.length} migration(s); database is up to date\n`);
      }),
    );
  db.command("status")
    .description("list applied and pending migrations")
    .action((_opts, command: Command) =>
      withDatabase(command, async (database) => {
        const status = await database.migrationStatus();
        if (globalOptions(command).output === "json") {
          process.stdout.write(`${JSON.stringify({ driver: database.driver, ...status })}\n`);
          return;
        }
        process.stdout.write(`driver: ${database.driver}\n`);
        for (const tag of status.applied) process.stdout.write(`applied  ${tag}\n`);
        for (const tag of status.pending) process.stdout.write(`pending  ${tag}\n`);
      }),
    );
}

async function withDatabase(
  command: Command,
  work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>,
): Promise<void> {
  const loaded = await loadForCommand(command, { materializeDevSecrets: false });
  const errors = errorProblems(loaded);
  if (errors.length > 0) {
    for (const p of errors) process.stderr.write(`${formatProblem(p)}\n`);
    process.exitCode = ExitCode.INVALID;
    return;
  }
  const { config } = loaded;
  const database = await openDatabase({
    url: config.database.url,
    pgliteDir: config.database.url ? null : resolveDataPath(config, config.database.pglite_dir),
    connectTimeoutSeconds: config.database.connect_timeout_seconds,
  });
  try {
    await work(database);
  } finally {
    await database.close();
  }
}
