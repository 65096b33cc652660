// `npm install` hook (prepare): builds the migrated PGlite template so the first `npm start` on a
// fresh data dir copies it instead of running initdb. Best effort: never fails the install.

import { defaultMigrationsFolder } from "../src/infra/db/migrations.js";
import { ensurePgliteTemplate } from "../src/infra/db/pglite-template.js";

try {
  const dir = await ensurePgliteTemplate({ migrationsFolder: defaultMigrationsFolder() });
  process.stdout.write(`synctv: embedded database template ready (${dir})\n`);
} catch (e) {
  process.stdout.write(`synctv: skipped the embedded database template (${e instanceof Error ? e.message : e})\n`);
}
