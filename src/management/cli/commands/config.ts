// `synctv config validate [--strict]` and `synctv config show [-o yaml|json] [--sources]` (08 §3.4, §4.3).
// Both run locally: they load the config exactly as `serve` would, without generating or persisting anything.

import type { Command } from "commander";
import { type LoadConfigOptions, type LoadedConfig, loadConfig } from "../../../infra/config/load.js";
import { type ConfigProblem, formatProblem } from "../../../infra/config/problems.js";
import { renderConfig, type ShowFormat } from "../../../infra/config/show.js";

/** CLI exit codes (08 §4.3). */
export const ExitCode = { OK: 0, USAGE: 2, INVALID: 5 } as const;

export interface ConfigCommandIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Defaults to process.env (only the config loader reads it). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  setExitCode?: (code: number) => void;
}

/** The program-wide options these commands honour. */
export interface GlobalConfigOptions {
  config?: string;
  dataDir?: string;
  dotenv?: boolean;
  output?: string;
}

interface ResolvedIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined> | undefined;
  cwd: string | undefined;
}

function resolveIo(io: ConfigCommandIo): ResolvedIo {
  return {
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
    env: io.env,
    cwd: io.cwd,
  };
}

function loadOptions(globals: GlobalConfigOptions, io: ResolvedIo, strict: boolean): LoadConfigOptions {
  const options: LoadConfigOptions = { dotenv: globals.dotenv !== false, strict, materializeDevSecrets: false };
  if (globals.config !== undefined) options.configPath = globals.config;
  if (globals.dataDir !== undefined) options.dataDir = globals.dataDir;
  if (io.env !== undefined) options.env = io.env;
  if (io.cwd !== undefined) options.cwd = io.cwd;
  return options;
}

const hasErrors = (problems: ConfigProblem[]) => problems.some((problem) => problem.severity === "error");

/** `--strict` refuses generated development secrets: production must provide every secret. */
function strictProblems(loaded: LoadedConfig): ConfigProblem[] {
  const generated = new Set(loaded.generatedSecrets);
  const kept = loaded.problems.filter((problem) => !(problem.source === "dev-secrets" && generated.has(problem.path)));
  const refused = loaded.generatedSecrets.map<ConfigProblem>((path) => ({
    severity: "error",
    path,
    source: "dev-secrets",
    message: "generated development secret in use; --strict needs it set explicitly",
  }));
  return [...kept, ...refused];
}

export async function runConfigValidate(
  globals: GlobalConfigOptions,
  flags: { strict?: boolean },
  io: ConfigCommandIo = {},
): Promise<number> {
  const out = resolveIo(io);
  const strict = flags.strict ?? false;
  const loaded = await loadConfig(loadOptions(globals, out, strict));
  const problems = strict ? strictProblems(loaded) : loaded.problems;
  out.stdout(`config file: ${loaded.configFile ?? "none (built-in defaults)"}\n`);
  for (const problem of problems) out.stdout(`${formatProblem(problem)}\n`);
  const errors = problems.filter((problem) => problem.severity === "error").length;
  const warnings = problems.length - errors;
  if (errors > 0) {
    out.stdout(`config invalid: ${errors} error(s), ${warnings} warning(s)\n`);
    return ExitCode.INVALID;
  }
  out.stdout(`config valid${warnings > 0 ? ` (${warnings} warning(s))` : ""}\n`);
  return ExitCode.OK;
}

export async function runConfigShow(
  globals: GlobalConfigOptions,
  flags: { output?: string; sources?: boolean },
  io: ConfigCommandIo = {},
): Promise<number> {
  const out = resolveIo(io);
  const requested = flags.output ?? globals.output;
  // `-o human` is the CLI-wide default; for a config dump the human form is YAML.
  const format: ShowFormat | null =
    requested === undefined || requested === "yaml" || requested === "human"
      ? "yaml"
      : requested === "json"
        ? "json"
        : null;
  if (format === null) {
    out.stderr(`config show: unsupported output format "${requested}" (use yaml or json)\n`);
    return ExitCode.USAGE;
  }
  const loaded = await loadConfig(loadOptions(globals, out, false));
  for (const problem of loaded.problems) out.stderr(`${formatProblem(problem)}\n`);
  out.stdout(renderConfig(loaded, { format, sources: flags.sources ?? false }));
  return hasErrors(loaded.problems) ? ExitCode.INVALID : ExitCode.OK;
}

export function registerConfigCommands(program: Command, io: ConfigCommandIo = {}): void {
  const setExitCode =
    io.setExitCode ??
    ((code: number) => {
      process.exitCode = code;
    });
  const config = program.command("config").description("inspect and validate the startup configuration");

  config
    .command("validate")
    .description("check the configuration; exit 0 when valid, 5 when invalid")
    .option("--strict", "unknown keys and generated development secrets are errors")
    .action(async (flags: { strict?: boolean }) => {
      setExitCode(await runConfigValidate(program.opts<GlobalConfigOptions>(), flags, io));
    });

  const show = config
    .command("show")
    .description("print the merged configuration with secrets redacted")
    .option("--sources", "annotate each value with the layer it came from");
  // `-o` is normally a program-wide option; declare it here only when the program does not.
  const programHasOutput = program.options.some((option) => option.short === "-o");
  if (!programHasOutput) show.option("-o, --output <format>", "yaml or json");
  show.action(async (flags: { output?: string; sources?: boolean }) => {
    setExitCode(await runConfigShow(program.opts<GlobalConfigOptions>(), flags, io));
  });
}
