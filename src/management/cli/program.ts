// The synctv command tree. Commands are thin: they parse flags, call infra/core, print, and set
// the exit code; rules live in src/core.
import { Command, CommanderError } from "commander";
import { VERSION } from "../../version.js";
import { registerCompletionCommand } from "./commands/completion.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDbCommands } from "./commands/db.js";
import { registerLibraryCommands } from "./commands/library.js";
import { registerPlaybackCommands } from "./commands/playback.js";
import { registerRoomCommands } from "./commands/room.js";
import { registerSecretsCommands } from "./commands/secrets.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerStatusCommands } from "./commands/status.js";
import { registerStopCommand } from "./commands/stop.js";
import { registerUserCommands } from "./commands/user.js";
import { ExitCode } from "./exit-codes.js";
import { CliFailure } from "./remote/cli-failure.js";

export function buildProgram(): Command {
  const program = new Command("synctv")
    .description("SyncTV: self-hosted watch-together server and its operator CLI")
    .version(VERSION, "--version")
    .option("--config <path>", "config file (else ./synctv.yaml, ~/.config/synctv/synctv.yaml, /etc/synctv/…)")
    .option("--data-dir <path>", "data directory (default ~/.local/state/synctv)")
    .option("--no-dotenv", "do not read ./.env")
    .option("-o, --output <format>", "output format: human, json or yaml")
    .option("-v, --verbose", "more detail on errors")
    .option("--endpoint <endpoint>", "management endpoint: /abs/path.sock, unix:///abs/path or http://127.0.0.1:PORT")
    .option("--auth-token <token>", "management token (prefer --auth-token-file)")
    .option("--auth-token-file <file>", "file holding the management token")
    // Usage errors stay one line on stderr (08 §4.3); `--help` shows the rest.
    .configureOutput({ outputError: (text, write) => write(`${text.trim().split("\n")[0]} (see --help)\n`) })
    .exitOverride();

  registerServeCommand(program);
  registerConfigCommands(program);
  registerDbCommands(program);
  registerSecretsCommands(program);
  registerStopCommand(program);
  registerStatusCommands(program);
  registerUserCommands(program);
  registerRoomCommands(program);
  registerPlaybackCommands(program);
  registerLibraryCommands(program);
  program
    .command("version")
    .description("print the version")
    .action(() => {
      process.stdout.write(`synctv ${VERSION}\n`);
    });
  // Last, so the script it prints covers every command registered above.
  registerCompletionCommand(program);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so callers decide. */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (e instanceof CliFailure) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message}\n`);
    return ExitCode.FAILED;
  }
}
