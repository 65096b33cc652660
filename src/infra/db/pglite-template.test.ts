import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.js";
import { defaultMigrationsFolder } from "./migrations.js";
import { ensurePgliteTemplate, seedFromTemplate } from "./pglite-template.js";

let root: string;
const migrationsFolder = defaultMigrationsFolder();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "synctv-template-"));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe("PGlite template", () => {
  it("is built once and reused for the same migrations", async () => {
    const cacheDir = join(root, "cache");
    const first = await ensurePgliteTemplate({ migrationsFolder, cacheDir });
    const second = await ensurePgliteTemplate({ migrationsFolder, cacheDir });
    expect(second).toBe(first);
    expect(await readdir(cacheDir)).toHaveLength(1);
  });

  it("seeds a fresh data dir into a fully migrated database", async () => {
    const cacheDir = join(root, "cache");
    const dataDir = join(root, "fresh", "pglite");
    expect(await seedFromTemplate(dataDir, { migrationsFolder, cacheDir })).toBe(true);
    const database = await openDatabase({ url: "", pgliteDir: dataDir, migrationsFolder });
    try {
      expect((await database.migrationStatus()).pending).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("never touches a data dir that already has content", async () => {
    const dataDir = join(root, "used");
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "PG_VERSION"), "mine");
    expect(await seedFromTemplate(dataDir, { migrationsFolder, cacheDir: join(root, "cache") })).toBe(false);
    expect(await readdir(dataDir)).toEqual(["PG_VERSION"]);
  });

  it("leaves no half-built template behind", async () => {
    const cacheDir = join(root, "cache");
    const entries = await readdir(cacheDir);
    expect(entries.filter((e) => e.includes(".building-"))).toEqual([]);
    expect(existsSync(join(cacheDir, entries[0]!, "PG_VERSION"))).toBe(true);
  });
});
