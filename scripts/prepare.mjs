// `npm install` hook: compile to dist/ (so `npm start` skips tsx's loader) and build the embedded
// database template. Both are best effort: a failure only makes the first start slower, never
// breaks the install.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", shell: false });

const tsc = run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]);
if (tsc.status === 0) {
  writeFileSync("dist/.build-stamp", new Date().toISOString());
} else {
  console.log("synctv: compiling dist/ failed; `npm start` will run the TypeScript sources through tsx");
}
run(process.execPath, ["--import", "tsx", "scripts/prepare-pglite-template.ts"]);
