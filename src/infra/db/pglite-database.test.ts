import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../../../test/support/db-fixtures.js";
import { type Database, openDatabase } from "./database.js";
import { lockFilePath, PgliteDirectoryLockedError } from "./pglite-lock-file.js";
import { settings } from "./schema/index.js";

describe("PGlite on disk", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "synctv-pglite-"));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses a second open of the same directory while the first is open, naming the owner", async () => {
    const dir = join(root, "busy");
    const first = await openDatabase({ url: "", pgliteDir: dir });
    try {
      const owner = JSON.parse(readFileSync(lockFilePath(dir), "utf8"));
      expect(owner).toEqual({ pid: process.pid, startedAt: expect.any(String) });
      const started = performance.now();
      const second = openDatabase({ url: "", pgliteDir: dir });
      await expect(second).rejects.toBeInstanceOf(PgliteDirectoryLockedError);
      await expect(second).rejects.toThrow(`in use by process ${process.pid}`);
      expect(performance.now() - started).toBeLessThan(1000); // fails fast, before starting PGlite
    } finally {
      await first.close();
    }
    expect(existsSync(lockFilePath(dir))).toBe(false);
  });

  it("keeps data across close and reopen", async () => {
    const dir = join(root, "persistent");
    const first = await openDatabase({ url: "", pgliteDir: dir });
    await first.migrate();
    await first.db
      .update(settings)
      .set({ value: { v: "Kept" } })
      .where(eq(settings.key, "server.name"));
    await first.close();

    const second = await openDatabase({ url: "", pgliteDir: dir });
    try {
      expect((await second.migrationStatus()).pending).toEqual([]);
      const [row] = await second.db.select().from(settings).where(eq(settings.key, "server.name"));
      expect(row?.value).toEqual({ v: "Kept" });
    } finally {
      await second.close();
    }
  });

  it("takes over a stale lock left by a process that no longer runs", async () => {
    const dir = join(root, "stale");
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(lockFilePath(dir), JSON.stringify({ pid: deadPid, startedAt: "2026-01-01T00:00:00.000Z" }));
    const database = await openDatabase({ url: "", pgliteDir: dir });
    try {
      expect(JSON.parse(readFileSync(lockFilePath(dir), "utf8")).pid).toBe(process.pid);
    } finally {
      await database.close();
    }
  });
});

describe("PGlite's single connection", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ url: "", pgliteDir: null });
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
  });

  it("makes a query from another task wait until an open transaction commits, then see its write", async () => {
    const order: string[] = [];
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });

    const transaction = database.tx(async (tx) => {
      await tx
        .update(settings)
        .set({ value: { v: "Inside" } })
        .where(eq(settings.key, "server.name"));
      order.push("transaction wrote");
      wrote();
      await gate; // the transaction stays open, as if awaiting other work
      order.push("transaction commits");
    });
    await written;
    const read = database.db
      .select()
      .from(settings)
      .where(eq(settings.key, "server.name"))
      .then((rows) => {
        order.push("outside query returned");
        return rows;
      });

    await sleep(100);
    expect(order).toEqual(["transaction wrote"]);
    commit();
    await transaction;
    const [row] = await read;
    expect(order).toEqual(["transaction wrote", "transaction commits", "outside query returned"]);
    expect(row?.value).toEqual({ v: "Inside" });
  });
});
