// bench/startup (spec 09): `synctv serve` on a fresh data_dir (PGlite initdb + migrations) until
// /health/ready is 200, a second start on the same data_dir, and `npm start` once so the figure
// matches what users run. Baseline, measured in the same run: a bare `node -e` HTTP server.
// Usage: npm run bench:startup [-- --runs=5]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { timeBareNodeStart } from "./support/bare-node-http.js";
import { machine, printResult, progress } from "./support/bench-output.js";
import { spawnProcess } from "./support/child-process.js";
import { round, summarize } from "./support/percentiles.js";
import { markerTimes, medianPhases, phaseDurations } from "./support/startup-phases.js";
import { freshDataDir, type Launcher, removeDataDir, repoRoot, startSynctv } from "./support/synctv-process.js";

const TARGET = { ready_within_ms: 3000 } as const;
const POLL_INTERVAL_MS = 10;

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Math.max(1, Number(values.runs));

interface StartRun {
  readyMs: number;
  phases: Record<string, number>;
}

/** One start of the real server: spawn → ready, the phase breakdown, then a graceful stop. */
async function timeStart(dataDir: string, launcher: Launcher): Promise<StartRun> {
  // `info` so startNode's few start-up lines (the phase markers) are logged; nothing else is.
  const server = await startSynctv({ dataDir, launcher, logLevel: "info" });
  const code = await server.stop();
  // npm dies by the signal itself (code null); only the server's own exit code is checked.
  if (launcher === "bin" && code !== 0) progress(`warning: server exited with ${code} after SIGTERM`);
  // Read the markers after the stop: by then every line the server wrote has been read.
  const phases = phaseDurations(markerTimes(server.process.lines, server.process.spawnedAtMs), server.readyMs);
  return { readyMs: server.readyMs, phases };
}

/** PGlite timed on its own in a child process (see support/pglite-probe.ts). */
async function probePglite(): Promise<Record<string, number> | undefined> {
  const child = spawnProcess({
    command: process.execPath,
    args: ["--import", "tsx", join(repoRoot, "bench/support/pglite-probe.ts")],
    cwd: repoRoot,
    env: process.env,
  });
  await new Promise((resolve) => child.child.once("exit", resolve));
  const line = child.lines.find((l) => l.stream === "stdout" && l.text.startsWith("{"));
  return line ? (JSON.parse(line.text) as Record<string, number>) : undefined;
}

function report(name: string, parameters: Record<string, unknown>, samples: StartRun[], baselineMedian: number) {
  const figures = summarize(samples.map((s) => s.readyMs));
  printResult({
    name,
    parameters,
    figures,
    baseline: { name: "bare node -e http server", median_ms: round(baselineMedian) },
    target: TARGET,
    target_met: figures.median_ms <= TARGET.ready_within_ms,
    ratio_vs_baseline: round(figures.median_ms / baselineMedian, 2),
    breakdown: { phases_median_ms: medianPhases(samples.map((s) => s.phases)), per_run: samples.map((s) => s.phases) },
  });
}

const common = {
  runs,
  poll_interval_ms: POLL_INTERVAL_MS,
  log_level: "info",
  database: "pglite (embedded)",
  code: existsSync(join(repoRoot, "dist/src/management/cli/main.js")) ? "dist (compiled)" : "TypeScript via tsx",
  ...machine(),
};

progress(`baseline: bare node http server × ${runs}`);
const baseline: number[] = [];
for (let i = 0; i < runs; i++) baseline.push(await timeBareNodeStart(repoRoot));
const baselineMedian = summarize(baseline).median_ms;

const dataDirs: string[] = [];
try {
  const fresh: StartRun[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = await freshDataDir();
    dataDirs.push(dir);
    progress(`fresh data_dir start ${i + 1}/${runs}`);
    fresh.push(await timeStart(dir, "bin"));
  }
  progress("PGlite probe");
  const pglite = await probePglite();
  const freshParameters = { ...common, launcher: "node bin/synctv.js serve", data_dir: "fresh (initdb + migrations)" };
  report("startup.fresh_data_dir", freshParameters, fresh, baselineMedian);
  if (pglite) {
    printResult({
      name: "startup.pglite_probe",
      parameters: { ...common, what: "PGlite.create with pg_trgm in a bare process, no SyncTV code" },
      figures: pglite,
      baseline: { name: "bare node -e http server", median_ms: round(baselineMedian) },
      target: {},
    });
  }

  // Same data_dirs again: initdb and migrations are done, so this is the everyday restart.
  const reused: StartRun[] = [];
  for (const [i, dir] of dataDirs.entries()) {
    progress(`second start on the same data_dir ${i + 1}/${runs}`);
    reused.push(await timeStart(dir, "bin"));
  }
  report(
    "startup.reused_data_dir",
    { ...common, launcher: "node bin/synctv.js serve", data_dir: "reused (second start)" },
    reused,
    baselineMedian,
  );

  progress("npm start on a fresh data_dir (once)");
  const npmDir = await freshDataDir();
  dataDirs.push(npmDir);
  const npm = await timeStart(npmDir, "npm");
  report(
    "startup.npm_start.fresh_data_dir",
    { ...common, runs: 1, launcher: "npm start -- --no-dotenv", data_dir: "fresh (initdb + migrations)" },
    [npm],
    baselineMedian,
  );
} finally {
  await Promise.all(dataDirs.map(removeDataDir));
}
