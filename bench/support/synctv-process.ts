// Runs the real `synctv serve` as a child process on free loopback ports and waits until
// /health/ready answers 200: the same path a user takes with `npm start` or `bin/synctv.js`.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join, resolve } from "node:path";
import { benchProfileEnv, cleanEnv } from "./bench-profile.js";
import { type SpawnedProcess, spawnProcess } from "./child-process.js";
import { freePorts } from "./free-port.js";
import { waitForHttp200 } from "./wait-for-http.js";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** `bin`: node bin/synctv.js serve (what the package's `synctv` command runs); `npm`: npm start. */
export type Launcher = "bin" | "npm";

export interface SynctvOptions {
  dataDir: string;
  launcher?: Launcher;
  /** `info` keeps the few start-up lines that the phase breakdown reads; load runs use `warn`. */
  logLevel?: string;
  readyTimeoutMs?: number;
  /** Extra SYNCTV_* settings for this run. */
  env?: Record<string, string>;
}

export interface RunningSynctv {
  process: SpawnedProcess;
  apiUrl: string;
  apiPort: number;
  healthUrl: string;
  /** Spawn → first 200 from /health/ready, in ms. */
  readyMs: number;
  stop(): Promise<number | null>;
}

export async function startSynctv(options: SynctvOptions): Promise<RunningSynctv> {
  const [apiPort, healthPort, realtimePort] = await freePorts(3);
  if (apiPort === undefined || healthPort === undefined || realtimePort === undefined) throw new Error("no ports");
  const env = cleanEnv({
    ...benchProfileEnv,
    SYNCTV_DATA_DIR: options.dataDir,
    SYNCTV_SERVER_HOST: "127.0.0.1",
    SYNCTV_SERVER_PORT: String(apiPort),
    SYNCTV_HEALTH_HOST: "127.0.0.1",
    SYNCTV_HEALTH_PORT: String(healthPort),
    SYNCTV_REALTIME_HOST: "127.0.0.1",
    SYNCTV_REALTIME_PORT: String(realtimePort),
    SYNCTV_LOGGING_LEVEL: options.logLevel ?? "warn",
    ...options.env,
  });
  const launcher = options.launcher ?? "bin";
  const child =
    launcher === "npm"
      ? spawnProcess({ command: "npm", args: ["start", "--silent", "--", "--no-dotenv"], cwd: repoRoot, env })
      : spawnProcess({
          command: process.execPath,
          args: [join(repoRoot, "bin/synctv.js"), "serve", "--no-dotenv"],
          cwd: repoRoot,
          env,
        });
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  try {
    await waitForHttp200(`${healthUrl}/health/ready`, {
      timeoutMs: options.readyTimeoutMs ?? 90_000,
      failed: () => child.exitedEarly(),
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  const readyMs = performance.now() - child.spawnedAtPerf;
  return {
    process: child,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiPort,
    healthUrl,
    readyMs,
    stop: () => child.stop(),
  };
}

/** A fresh, empty data_dir: PGlite runs initdb and every migration on first start. */
export function freshDataDir(): Promise<string> {
  return mkdtemp(join(os.tmpdir(), "synctv-bench-"));
}

export function removeDataDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
