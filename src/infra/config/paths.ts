// Where configuration lives on disk: the config-file search order and the data directory (08 §3.1, §3.2).
// Relative runtime paths (socket, logs, PGlite, HLS, slice cache, dev secrets) hang off data_dir.

import { homedir } from "node:os";
import path from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

function home(env: Env): string {
  return env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
}

/** The implicit config-file candidates, in search order, after `--config` and `SYNCTV_CONFIG_PATH`. */
export function configSearchPaths(cwd: string, env: Env): string[] {
  const xdgConfig = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : null;
  return [
    path.join(cwd, "synctv.yaml"),
    path.join(xdgConfig ?? path.join(home(env), ".config"), "synctv", "synctv.yaml"),
    "/etc/synctv/synctv.yaml",
    "/config/synctv.yaml",
  ];
}

/** `$XDG_STATE_HOME/synctv`, else `~/.local/state/synctv` (`%LOCALAPPDATA%\synctv` on Windows). */
export function defaultDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32" && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, "synctv");
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, "synctv");
  return path.join(home(env), ".local", "state", "synctv");
}

/** Resolves a runtime path from the config against `data_dir` (absolute paths stay as they are). */
export function resolveDataPath(config: { data_dir: string }, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(config.data_dir, p);
}
