// `synctv serve`: load and validate config strictly, start the node, run the staged shutdown on
// SIGTERM/SIGINT (a second signal forces) or on StopServer, then exit 0 (COMPLETED) or 1 (FAILED). `--dry-run` checks config, database and Redis and exits.
import type { Command } from "commander";
import { systemClock } from "../../../infra/clock.js";
import { resolveDataPath } from "../../../infra/config/load.js";
import { formatProblem } from "../../../infra/config/problems.js";
import { openDatabase } from "../../../infra/db/database.js";
import { openStore } from "../../../infra/store/index.js";
import { startNode } from "../../../main.js";
import { ExitCode } from "../exit-codes.js";
import { errorProblems, loadForCommand } from "../global-options.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the SyncTV server (embedded PGlite unless database.url is set)")
    .option("--dry-run", "validate config, connect to the database and Redis, report migrations, then exit")
    .action(async (opts: { dryRun?: boolean }, command: Command) => {
      const loaded = await loadForCommand(command, { strict: true, materializeDevSecrets: !opts.dryRun });
      for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
      if (errorProblems(loaded).length > 0) {
        process.stderr.write("configuration is invalid; not starting\n");
        process.exitCode = ExitCode.INVALID;
        return;
      }
      if (opts.dryRun) {
        process.exitCode = await dryRun(loaded.config);
        return;
      }
      // Handlers go in before start-up so a signal that arrives while migrations run is honoured
      // as soon as the node is up, instead of being lost. SIGTERM/SIGINT and `synctv stop` run the
      // same staged shutdown; a second signal escalates it to FORCE.
      let signals = 0;
      let node: Awaited<ReturnType<typeof startNode>> | undefined;
      const stop = () => void node?.stop({ force: signals > 1 });
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        node?.log.info({ signal }, signals === 1 ? "stopping gracefully" : "stopping now (second signal)");
        stop();
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      node = await startNode({ loaded });
      // Whoever started the stop (signal or StopServer), the process exits when it has finished.
      void node.stopped.then((outcome) => process.exit(outcome === "COMPLETED" ? ExitCode.OK : ExitCode.FAILED));
      if (signals > 0) stop();
    });
}

async function dryRun(config: import("../../../infra/config/load.js").Config): Promise<number> {
  const database = await openDatabase({
    url: config.database.url,
    pgliteDir: config.database.url ? null : resolveDataPath(config, config.database.pglite_dir),
    connectTimeoutSeconds: config.database.connect_timeout_seconds,
  });
  try {
    const status = await database.migrationStatus();
    process.stdout.write(
      `database: ${database.driver}, ${status.applied.length} migrations applied, ${status.pending.length} pending\n`,
    );
    const store = await openStore(
      {
        url: config.redis.url,
        keyPrefix: config.redis.key_prefix,
        connectTimeoutSeconds: config.redis.connect_timeout_seconds,
        commandTimeoutSeconds: config.redis.command_timeout_seconds,
      },
      systemClock,
    );
    process.stdout.write(`store: ${store.kind}, ping ${Math.round(await store.ping())} ms\n`);
    await store.close();
    return ExitCode.OK;
  } finally {
    await database.close();
  }
}
