#!/usr/bin/env node
// The synctv command. Runs the compiled build (dist/, made by `npm install` or `npm run build`)
// when it is at least as new as every source file; otherwise the TypeScript sources through tsx,
// so an edited checkout never runs stale code and a fresh one starts without tsx's loader cost.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = new URL("../dist/src/management/cli/main.js", import.meta.url);
const stamp = `${root}dist/.build-stamp`;

function newestSourceMtime() {
  let newest = 0;
  for (const dir of ["src", "gen"]) {
    if (!existsSync(`${root}${dir}`)) continue;
    for (const entry of readdirSync(`${root}${dir}`, { recursive: true })) {
      if (String(entry).endsWith(".ts")) newest = Math.max(newest, statSync(`${root}${dir}/${entry}`).mtimeMs);
    }
  }
  return newest;
}

const buildIsFresh =
  process.env.SYNCTV_FROM_SOURCE !== "1" &&
  existsSync(built) &&
  existsSync(stamp) &&
  statSync(stamp).mtimeMs >= newestSourceMtime();

if (buildIsFresh) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/management/cli/main.ts", import.meta.url).href);
}
