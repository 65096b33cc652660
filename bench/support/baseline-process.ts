// Starts one of the bare baseline servers (bare-fastify.ts, bare-grpc.ts) as a child process
// through tsx, on a free port, and waits for the {"ready":true} line it prints after listening.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cleanEnv } from "./bench-profile.js";
import { type SpawnedProcess, spawnProcess } from "./child-process.js";
import { freePort } from "./free-port.js";
import { repoRoot } from "./synctv-process.js";

export interface RunningBaseline {
  process: SpawnedProcess;
  port: number;
  stop(): Promise<number | null>;
}

export async function startBaseline(file: "bare-fastify.ts" | "bare-grpc.ts"): Promise<RunningBaseline> {
  const port = await freePort();
  const child = spawnProcess({
    command: process.execPath,
    args: ["--import", "tsx", join(repoRoot, "bench/support", file)],
    cwd: repoRoot,
    env: cleanEnv({ PORT: String(port) }),
  });
  const deadline = performance.now() + 30_000;
  while (!child.lines.some((l) => l.stream === "stdout" && l.text === '{"ready":true}')) {
    const failure = child.exitedEarly();
    if (failure) throw failure;
    if (performance.now() > deadline) {
      await child.stop();
      throw new Error(`${file} did not become ready`);
    }
    await sleep(20);
  }
  return { process: child, port, stop: () => child.stop() };
}
