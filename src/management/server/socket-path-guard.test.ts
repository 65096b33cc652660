import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareSocketPath } from "./socket-path-guard.js";

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "stv-guard-"));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const listenOn = (path: string) =>
  new Promise<net.Server>((resolve) => {
    const server = net.createServer();
    server.listen(path, () => resolve(server));
  });

describe("the management socket path", () => {
  it("creates a missing run directory with mode 0700", async () => {
    await prepareSocketPath(join(base, "run", "synctv.sock"));
    expect((await stat(join(base, "run"))).mode & 0o777).toBe(0o700);
  });

  it("refuses a run directory that group or others can enter", async () => {
    await mkdir(join(base, "run"), { mode: 0o755 });
    await chmod(join(base, "run"), 0o755);
    await expect(prepareSocketPath(join(base, "run", "synctv.sock"))).rejects.toThrow(/group or others \(mode 0755\)/);
  });

  it("refuses a path that is not a socket", async () => {
    await mkdir(join(base, "run"), { mode: 0o700 });
    await writeFile(join(base, "run", "synctv.sock"), "not a socket");
    await expect(prepareSocketPath(join(base, "run", "synctv.sock"))).rejects.toThrow(/is not a socket/);
  });

  it("removes a stale socket nobody listens on", async () => {
    const path = join(base, "run", "synctv.sock");
    await mkdir(join(base, "run"), { mode: 0o700 });
    // A server killed with SIGKILL leaves its socket file behind.
    const child = spawn(process.execPath, [
      "-e",
      `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`,
    ]);
    await once(child.stdout, "data");
    child.kill("SIGKILL");
    await once(child, "exit");
    expect((await stat(path)).isSocket()).toBe(true);
    await prepareSocketPath(path);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it("stops when another server is listening on the socket", async () => {
    const path = join(base, "run", "synctv.sock");
    await mkdir(join(base, "run"), { mode: 0o700 });
    const server = await listenOn(path);
    try {
      await expect(prepareSocketPath(path)).rejects.toThrow(/another SyncTV server is running/);
    } finally {
      server.close();
    }
  });
});
