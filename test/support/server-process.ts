// Runs the real `synctv serve` binary as a child process on ephemeral ports, and reads the
// addresses it reports from its JSON log. For end-to-end tests of start, stop and restart.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = resolve(import.meta.dirname, "../..");
const cliBin = resolve(repoRoot, "bin/synctv.js");

export interface ServerProcess {
  child: ChildProcess;
  apiUrl: string;
  healthUrl: string;
  lines: string[];
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Only what the server needs: no SYNCTV_* leaking in from the developer's shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("SYNCTV_")) env[k] = v;
  return { ...env, ...extra };
}

export function serveEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SYNCTV_DATA_DIR: dataDir,
    SYNCTV_SERVER_HOST: "127.0.0.1",
    SYNCTV_SERVER_PORT: "0",
    SYNCTV_HEALTH_PORT: "0",
    SYNCTV_REALTIME_PORT: "0",
    ...extra,
  };
}

export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [cliBin, "serve", "--no-dotenv"], {
    cwd: repoRoot,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on("line", (l) => lines.push(l));
  collect(child.stdout!);
  collect(child.stderr!);

  const serving = await new Promise<{ api: string; health: string }>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not serving after ${timeoutMs} ms:\n${lines.join("\n")}`)),
      timeoutMs,
    );
    const poll = setInterval(() => {
      for (const line of lines) {
        if (!line.includes('"SyncTV is serving"')) continue;
        const parsed = JSON.parse(line) as { api: string; health: string };
        clearInterval(poll);
        clearTimeout(timer);
        resolvePromise(parsed);
        return;
      }
    }, 25);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${lines.join("\n")}`));
    });
  });

  const apiPort = serving.api.split(":").pop();
  return {
    child,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    healthUrl: `http://${serving.health}`,
    lines,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      return code;
    },
  };
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCliProcess(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: repoRoot,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
