// Makes the management socket path safe to bind (spec 08 §4.1, 05 §7): the parent directory is ours
// and closed to group and others (0700), the path is a socket or nothing, and a socket left behind by
// a dead server is removed while a live one stops this start.
import { lstat, mkdir, unlink } from "node:fs/promises";
import net from "node:net";
import { dirname } from "node:path";

/** A refusal to start the management listener; fatal for the node. */
export class ManagementSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManagementSocketError";
  }
}

export async function prepareSocketPath(socketPath: string): Promise<void> {
  await checkRunDirectory(dirname(socketPath));
  const existing = await lstatOrNull(socketPath);
  if (existing === null) return;
  if (!existing.isSocket()) {
    throw new ManagementSocketError(`${socketPath} exists and is not a socket; refusing to replace it`);
  }
  if (await acceptsConnections(socketPath)) {
    throw new ManagementSocketError(`another SyncTV server is running on ${socketPath}`);
  }
  // Refused: the file outlived its server.
  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

async function checkRunDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stats = await lstat(dir);
  if (!stats.isDirectory()) throw new ManagementSocketError(`${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new ManagementSocketError(`${dir} belongs to uid ${stats.uid}, not to this process (uid ${uid})`);
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ManagementSocketError(
      `${dir} is accessible to group or others (mode ${mode.toString(8).padStart(4, "0")}); run chmod 700 on it`,
    );
  }
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function acceptsConnections(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    // ECONNREFUSED (nobody listens) or ENOENT (gone meanwhile): not running.
    socket.once("error", () => resolve(false));
  });
}
