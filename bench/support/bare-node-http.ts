// The start-up baseline: the cheapest Node process that can answer HTTP 200, spawned the same
// way as the server (`node -e`, own process group, same poll), so the ratio isolates SyncTV's
// own start-up cost from Node's boot and the bench's spawn/poll overhead.
import { cleanEnv } from "./bench-profile.js";
import { spawnProcess } from "./child-process.js";
import { freePort } from "./free-port.js";
import { waitForHttp200 } from "./wait-for-http.js";

const SCRIPT = 'require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1")';

/** Spawn → first 200, in ms. */
export async function timeBareNodeStart(cwd: string): Promise<number> {
  const port = await freePort();
  const child = spawnProcess({
    command: process.execPath,
    args: ["-e", SCRIPT],
    cwd,
    env: cleanEnv({ PORT: String(port) }),
  });
  try {
    await waitForHttp200(`http://127.0.0.1:${port}/`, { timeoutMs: 10_000, failed: () => child.exitedEarly() });
    return performance.now() - child.spawnedAtPerf;
  } finally {
    await child.stop();
  }
}
