// Run as a child process by bench/startup.ts: times PGlite on its own, opened exactly as
// src/infra/db/pglite-database.ts opens it (on disk, pg_trgm), so the start-up breakdown can say
// how much of "database opened" is loading the WebAssembly engine and how much is initdb.
// Prints one JSON object on stdout.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";

const t0 = performance.now();
const { PGlite } = await import("@electric-sql/pglite");
const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
const importMs = performance.now() - t0;

const dir = await mkdtemp(join(os.tmpdir(), "synctv-pglite-probe-"));
try {
  const t1 = performance.now();
  const fresh = await PGlite.create({ dataDir: join(dir, "pglite"), extensions: { pg_trgm } });
  const createFreshMs = performance.now() - t1;
  await fresh.close();

  const t2 = performance.now();
  const reused = await PGlite.create({ dataDir: join(dir, "pglite"), extensions: { pg_trgm } });
  const createReusedMs = performance.now() - t2;
  await reused.close();

  const t3 = performance.now();
  const memory = await PGlite.create({ extensions: { pg_trgm } });
  const createInMemoryMs = performance.now() - t3;
  await memory.close();

  process.stdout.write(
    `${JSON.stringify({
      import_ms: Math.round(importMs),
      create_fresh_dir_ms: Math.round(createFreshMs),
      create_reused_dir_ms: Math.round(createReusedMs),
      create_in_memory_ms: Math.round(createInMemoryMs),
    })}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
