// Options every synctv command accepts, and the config load they feed.
import type { Command } from "commander";
import { type LoadedConfig, loadConfig } from "../../infra/config/load.js";

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  dotenv: boolean;
  output?: string;
  verbose?: boolean;
  /** Remote commands (08 §4.3): where the management service listens, and its token. */
  endpoint?: string;
  authToken?: string;
  authTokenFile?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function loadForCommand(command: Command, extra: { strict?: boolean; materializeDevSecrets?: boolean } = {}) {
  const g = globalOptions(command);
  return loadConfig({ configPath: g.config, dataDir: g.dataDir, dotenv: g.dotenv, ...extra });
}

export function errorProblems(loaded: LoadedConfig) {
  return loaded.problems.filter((p) => p.severity === "error");
}
