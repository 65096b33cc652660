// Starts bench/support/bare-uws.ts (the uWebSockets.js baseline) as a child process on a free port,
// optionally with extra NODE_OPTIONS (the memory probe), and waits for its {"ready":true} line.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cleanEnv } from "./bench-profile.js";
import { type SpawnedProcess, spawnProcess } from "./child-process.js";
import { freePort } from "./free-port.js";
import { repoRoot } from "./synctv-process.js";

export interface RunningBareUws {
  process: SpawnedProcess;
  port: number;
  pid: number;
  stop(): Promise<number | null>;
}

export async function startBareUws(options: { nodeOptions?: string } = {}): Promise<RunningBareUws> {
  const port = await freePort();
  const child = spawnProcess({
    command: process.execPath,
    args: ["--import", "tsx", join(repoRoot, "bench/support/bare-uws.ts")],
    cwd: repoRoot,
    env: cleanEnv({ PORT: String(port), ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}) }),
  });
  const deadline = performance.now() + 30_000;
  while (!child.lines.some((l) => l.stream === "stdout" && l.text === '{"ready":true}')) {
    const failure = child.exitedEarly();
    if (failure) throw failure;
    if (performance.now() > deadline) {
      await child.stop();
      throw new Error("bare-uws.ts did not become ready");
    }
    await sleep(20);
  }
  return { process: child, port, pid: child.child.pid ?? 0, stop: () => child.stop() };
}
