// Loads the startup configuration: defaults < YAML file < .env < environment < flags (08 §3.1), then
// development secrets and validation. The only module that reads process.env; everything else gets a Config.

import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseEnv } from "node:util";
import { parse as parseYaml } from "yaml";
import { provideDevSecrets } from "./dev-secrets.js";
import { documentLayer, environmentLayer, type Layer } from "./layers.js";
import { configLeaves, deleteAtPath, leafByPath, setAtPath } from "./leaves.js";
import { configSearchPaths, defaultDataDir, type Env, resolveDataPath } from "./paths.js";
import { ConfigInvalidError, type ConfigLayer, type ConfigProblem, configError, configWarning } from "./problems.js";
import { type Config, configSchema, defaultConfig } from "./schema.js";
import { validateConfig } from "./validate.js";

export { resolveDataPath } from "./paths.js";
export { ConfigInvalidError, type ConfigLayer, type ConfigProblem } from "./problems.js";
export type { Config } from "./schema.js";

export interface LoadConfigOptions {
  /** `--config`: an explicit file; missing is an error. Relative to `cwd`. */
  configPath?: string;
  /** `--data-dir` (flag layer). */
  dataDir?: string;
  /** Read `./.env` (default true; `--no-dotenv` turns it off). */
  dotenv?: boolean;
  cwd?: string;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Unknown keys and variables are errors (`--strict`, `serve`). */
  strict?: boolean;
  /** `serve`: generate and persist missing dev secrets. validate/show: only read them, report the rest. */
  materializeDevSecrets?: boolean;
}

export interface LoadedConfig {
  config: Config;
  configFile: string | null;
  /** Layer of each dotted key path. */
  sources: Record<string, ConfigLayer>;
  problems: ConfigProblem[];
  /** Any generated development secret is in use. */
  devMode: boolean;
  /** Key paths (never values) of the development secrets in use or that `serve` would generate. */
  generatedSecrets: string[];
  /** Key path → the file its secret was read from. */
  secretFiles: Record<string, string>;
}

interface LocatedFile {
  file: string | null;
  problems: ConfigProblem[];
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function locateConfigFile(options: LoadConfigOptions, cwd: string, env: Env): Promise<LocatedFile> {
  const explicit: Array<[string, string]> = [];
  if (options.configPath !== undefined) explicit.push([options.configPath, "flag"]);
  else if (env.SYNCTV_CONFIG_PATH) explicit.push([env.SYNCTV_CONFIG_PATH, "env"]);
  const first = explicit[0];
  if (first !== undefined) {
    const file = path.resolve(cwd, first[0]);
    if (await exists(file)) return { file, problems: [] };
    return { file: null, problems: [configError("config_file", `config file ${file} does not exist`, first[1])] };
  }
  for (const candidate of configSearchPaths(cwd, env)) {
    if (await exists(candidate)) return { file: candidate, problems: [] };
  }
  return { file: null, problems: [] };
}

async function readDocument(file: string): Promise<{ document: Record<string, unknown>; problems: ConfigProblem[] }> {
  let parsed: unknown;
  try {
    parsed = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    // YAML errors point at a line and column; their message does not echo whole values.
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    return { document: {}, problems: [configError("config_file", `cannot parse ${file}: ${reason}`, "file")] };
  }
  if (parsed === null || parsed === undefined) return { document: {}, problems: [] };
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    return { document: {}, problems: [configError("config_file", `${file} must contain a YAML mapping`, "file")] };
  }
  return { document: parsed as Record<string, unknown>, problems: [] };
}

/** `.env` variables that are not already set in the environment (`.env` never overrides). */
async function readDotenv(cwd: string, env: Env): Promise<Env> {
  let text: string;
  try {
    text = await readFile(path.join(cwd, ".env"), "utf8");
  } catch {
    return {};
  }
  const parsed = parseEnv(text) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).filter(([name]) => env[name] === undefined));
}

interface Merged {
  raw: Record<string, unknown>;
  sources: Record<string, ConfigLayer>;
  secretFiles: Record<string, string>;
}

function mergeLayers(layers: Layer[]): Merged {
  const merged: Merged = { raw: {}, sources: {}, secretFiles: {} };
  for (const leaf of configLeaves) merged.sources[leaf.path] = "default";
  for (const layer of layers) {
    for (const [key, entry] of layer.entries) {
      setAtPath(merged.raw, entry.segments, entry.value);
      merged.sources[key] = layer.name;
      if (entry.file !== undefined) merged.secretFiles[key] = entry.file;
      else delete merged.secretFiles[key];
    }
  }
  return merged;
}

/**
 * Parses the merged values. A value the schema rejects becomes an error and falls back to its default, so
 * callers always get a complete Config alongside the full list of problems.
 */
function parseMerged(merged: Merged): { config: Config; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const raw = structuredClone(merged.raw);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const result = configSchema.safeParse(raw);
    if (result.success) return { config: result.data, problems };
    for (const issue of result.error.issues) {
      const segments = issue.path.map(String);
      // The deepest prefix some layer set is the value to blame (defaults always parse).
      let blamed = segments.length;
      while (blamed > 0 && merged.sources[segments.slice(0, blamed).join(".")] === undefined) blamed--;
      const key = segments.slice(0, Math.max(blamed, 1)).join(".");
      const layer = merged.sources[key] ?? "default";
      problems.push(configError(segments.join(".") || key, issue.message, layer));
      deleteAtPath(raw, key.split("."));
      // The rejected value is gone: the key now shows its default (or disappears if it is not a leaf).
      if (leafByPath.has(key)) merged.sources[key] = "default";
      else delete merged.sources[key];
      delete merged.secretFiles[key];
    }
  }
  return { config: defaultConfig(), problems };
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const processEnv: Env = options.env ?? process.env;
  const strict = options.strict ?? false;
  const problems: ConfigProblem[] = [];

  const dotenv = options.dotenv === false ? {} : await readDotenv(cwd, processEnv);
  // SYNCTV_CONFIG_PATH may come from .env too; the real environment still wins.
  const lookupEnv: Env = { ...dotenv, ...processEnv };

  const located = await locateConfigFile(options, cwd, lookupEnv);
  problems.push(...located.problems);
  const layers: Layer[] = [];
  const secretBaseDir = located.file !== null ? path.dirname(located.file) : cwd;
  if (located.file !== null) {
    const read = await readDocument(located.file);
    problems.push(...read.problems);
    layers.push(await documentLayer(read.document, { secretBaseDir, strict }));
  }
  layers.push(await environmentLayer(".env", dotenv, { secretBaseDir, strict }));
  layers.push(await environmentLayer("env", processEnv, { secretBaseDir, strict }));
  if (options.dataDir !== undefined) {
    layers.push({
      name: "flag",
      entries: new Map([["data_dir", { segments: ["data_dir"], value: options.dataDir }]]),
      problems: [],
    });
  }
  for (const layer of layers) problems.push(...layer.problems);

  const merged = mergeLayers(layers);
  const parsed = parseMerged(merged);
  problems.push(...parsed.problems);
  const config = parsed.config;
  config.data_dir = config.data_dir === "" ? defaultDataDir(lookupEnv) : path.resolve(cwd, config.data_dir);
  // TLS files, like secret files, live next to the config file, never under data_dir (08 §3.1).
  const tls = config.server.tls;
  if (tls.cert_file !== "") tls.cert_file = path.resolve(secretBaseDir, tls.cert_file);
  if (tls.key_file !== "") tls.key_file = path.resolve(secretBaseDir, tls.key_file);

  const generatedSecrets: string[] = [];
  const dev = await provideDevSecrets(config, { materialize: options.materializeDevSecrets ?? false });
  problems.push(...dev.problems);
  for (const [key, value] of Object.entries(dev.values)) {
    setAtPath(config as unknown as Record<string, unknown>, key.split("."), value);
    generatedSecrets.push(key);
  }
  for (const key of generatedSecrets) {
    const message = dev.pending.includes(key)
      ? `development secret not generated yet; serve will create it in ${dev.file}`
      : `generated development secret in use (stored in ${dev.file})`;
    problems.push(configWarning(key, message, "dev-secrets"));
  }

  problems.push(...validateConfig(config, { sources: merged.sources }));
  return {
    config,
    configFile: located.file,
    sources: merged.sources,
    problems,
    devMode: generatedSecrets.length > 0,
    generatedSecrets,
    secretFiles: merged.secretFiles,
  };
}

/** Throws ConfigInvalidError when any problem is an error (start-up refuses to run). */
export function assertValid(loaded: LoadedConfig): LoadedConfig {
  if (loaded.problems.some((problem) => problem.severity === "error")) throw new ConfigInvalidError(loaded.problems);
  return loaded;
}

/** Every relative runtime path of the config, resolved against data_dir (for start-up logging and checks). */
export function runtimePaths(config: Config): Record<string, string> {
  return {
    data_dir: config.data_dir,
    "management.unix_socket_path": resolveDataPath(config, config.management.unix_socket_path),
    "database.pglite_dir": resolveDataPath(config, config.database.pglite_dir),
    "logging.file.path": resolveDataPath(config, config.logging.file.path),
    "livestream.hls_storage.path": resolveDataPath(config, config.livestream.hls_storage.path),
    "proxy_slice_cache.file_cache_dir": resolveDataPath(config, config.proxy_slice_cache.file_cache_dir),
  };
}
