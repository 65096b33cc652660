// A brand-new embedded database is a copy of a cached, cleanly closed, fully migrated PGlite
// cluster. initdb inside WebAssembly takes seconds while a native directory copy takes a fraction
// of one, so a fresh `npm start` becomes ready quickly. The template is keyed by the PGlite
// version and the migration files, built at `npm install` (prepare) or on first need, and lives
// in the package's node_modules/.cache. Anything going wrong here falls back to plain initdb.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import * as schema from "./schema/index.js";

const COMPLETE_MARKER = ".synctv-template-complete";
const require = createRequire(import.meta.url);

export interface TemplateOptions {
  migrationsFolder: string;
  /** Defaults to <package>/node_modules/.cache/synctv/pglite-templates. */
  cacheDir?: string;
}

/** True when `dataDir` is missing or empty, i.e. would otherwise need initdb. */
export function isFreshDataDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/**
 * Fills a fresh data dir from the template. Returns false (leaving the dir untouched) when no
 * template can be had, so the caller runs initdb as before.
 */
export async function seedFromTemplate(dataDir: string, options: TemplateOptions): Promise<boolean> {
  if (!isFreshDataDir(dataDir)) return false;
  const template = await ensurePgliteTemplate(options).catch(() => null);
  if (!template) return false;
  await mkdir(dirname(dataDir), { recursive: true });
  await cp(template, dataDir, { recursive: true, filter: (src) => !src.endsWith(COMPLETE_MARKER) });
  return true;
}

/** The template directory for the current PGlite version and migrations, built when missing. */
export async function ensurePgliteTemplate(options: TemplateOptions): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = join(cacheDir, `pglite-${templateKey(options.migrationsFolder)}`);
  if (existsSync(join(dir, COMPLETE_MARKER))) return dir;

  // Build beside the target and rename into place: concurrent builders never see a half template.
  await mkdir(cacheDir, { recursive: true });
  const building = `${dir}.building-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const client = await PGlite.create({ dataDir: building, extensions: { pg_trgm } });
    await migrate(drizzle({ client, schema }), { migrationsFolder: options.migrationsFolder });
    await client.close();
    await writeFile(join(building, COMPLETE_MARKER), new Date().toISOString());
    await rename(building, dir).catch(async (e: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, COMPLETE_MARKER))) throw e; // lost a race to an identical template: fine
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

function templateKey(migrationsFolder: string): string {
  const hash = createHash("sha256");
  hash.update(pgliteVersion());
  for (const name of readdirSync(migrationsFolder)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    hash.update(name).update(readFileSync(join(migrationsFolder, name)));
  }
  hash.update(readFileSync(join(migrationsFolder, "meta", "_journal.json")));
  return hash.digest("hex").slice(0, 16);
}

/** PGlite's package directory; its package.json is not in its exports map, so walk up from the entry. */
function pgliteRoot(): string {
  let dir = dirname(require.resolve("@electric-sql/pglite"));
  while (!existsSync(join(dir, "package.json")) || !isPglitePackage(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("@electric-sql/pglite package.json not found");
    dir = parent;
  }
  return dir;
}

function isPglitePackage(file: string): boolean {
  return (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "@electric-sql/pglite";
}

function pgliteVersion(): string {
  return (JSON.parse(readFileSync(join(pgliteRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** node_modules/.cache/synctv next to the installed PGlite (node_modules/@electric-sql/pglite). */
function defaultCacheDir(): string {
  return join(dirname(dirname(pgliteRoot())), ".cache", "synctv", "pglite-templates");
}
