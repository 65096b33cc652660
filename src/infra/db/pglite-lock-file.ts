// Single-process guard for an on-disk PGlite directory (spec 06 §4.9, 08 §3.5): `<dir>.lock` holds
// the owner's pid and start time. A live owner makes a second open fail fast; a dead one's lock is taken over.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";

export interface PgliteLockOwner {
  pid: number;
  startedAt: string;
}

export interface PgliteLock {
  readonly path: string;
  release(): void;
}

export class PgliteDirectoryLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: PgliteLockOwner,
  ) {
    super(
      `PGlite data directory ${dataDir} is in use by process ${owner.pid} (started ${owner.startedAt}). ` +
        "PGlite serves one process: stop that process first, or configure database.url to use PostgreSQL.",
    );
    this.name = "PgliteDirectoryLockedError";
  }
}

/** The lock file sits next to the directory, not inside it, so PGlite's PGDATA stays untouched. */
export function lockFilePath(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, "")}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): PgliteLockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    const { pid, startedAt } = parsed as Partial<PgliteLockOwner>;
    if (typeof pid === "number" && Number.isInteger(pid) && pid > 0 && typeof startedAt === "string") {
      return { pid, startedAt };
    }
    return null;
  } catch {
    return null; // unreadable or half-written: treated as stale
  }
}

/**
 * Moves a stale lock aside atomically (rename), so two processes taking over the same stale lock
 * cannot both succeed: if what we moved turns out to be a live owner's fresh lock, it goes back.
 */
function takeOverStaleLock(dataDir: string, path: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else moved it
    throw error;
  }
  const moved = readOwner(aside);
  if (moved !== null && isAlive(moved.pid)) {
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock already exists; its owner wins
    }
    rmSync(aside, { force: true });
    throw new PgliteDirectoryLockedError(dataDir, moved);
  }
  rmSync(aside, { force: true });
}

/** Takes the lock or throws `PgliteDirectoryLockedError`. */
export function acquirePgliteLock(dataDir: string, now: Date = new Date()): PgliteLock {
  const path = lockFilePath(dataDir);
  const owner: PgliteLockOwner = { pid: process.pid, startedAt: now.toISOString() };
  const content = JSON.stringify(owner) + "\n";
  // Two rounds: the second follows the removal of a stale lock. `wx` makes creation atomic.
  for (let round = 0; round < 2; round++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      return {
        path,
        release() {
          // Remove only our own lock: a successor may have taken over a lock we no longer held.
          const current = readOwner(path);
          if (current?.pid === owner.pid && current.startedAt === owner.startedAt) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const existing = readOwner(path);
    if (existing !== null && isAlive(existing.pid)) throw new PgliteDirectoryLockedError(dataDir, existing);
    takeOverStaleLock(dataDir, path);
  }
  const existing = readOwner(path);
  throw new PgliteDirectoryLockedError(dataDir, existing ?? { pid: 0, startedAt: "unknown" });
}
