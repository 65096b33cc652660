// The running version, read once from the package's package.json so there is one source of truth.
// Found by walking up from this module: it sits at src/ when run through tsx and at dist/src/
// after `npm run build`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageJson(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + start);
    dir = parent;
  }
}

const pkg = JSON.parse(readFileSync(findPackageJson(dirname(fileURLToPath(import.meta.url))), "utf8")) as {
  version: string;
};

export const VERSION: string = pkg.version;
