// bench/connections (spec 09): idle authenticated WebSocket connections held by the real server
// (PostgreSQL, bench profile), opened in steps, one distinct user per connection, spread over rooms
// and over 127.0.0.x source addresses; server memory per connection (RSS and V8 heap after a full
// GC, minus the same server's empty figures) against a bare uWebSockets.js server holding the same
// counts in the same run. Clients run in separate processes (bench/support/ws-client-worker.ts).
// Usage: npm run bench:connections [-- --steps=1000,5000,10000,20000 --rooms=50 --workers=4 --settle=3
//        --warmup=200 --sources=8]
// The top step is capped by the open-files limit of one process (`ulimit -n`), which the server
// and each client process must stay under.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startBareUws } from "./support/bare-uws-process.js";
import { machine, printResult, progress } from "./support/bench-output.js";
import { round } from "./support/percentiles.js";
import {
  type BenchActor,
  type BenchRoom,
  MEMORY_PROBE_NODE_OPTIONS,
  type MemoryFigures,
  probeMemory,
  startRealtimeBenchServer,
} from "./support/realtime-bench-server.js";
import { ClientFleet, loopbackSources } from "./support/ws-client-fleet.js";
import type { ConnectionTarget } from "./support/ws-client-worker.js";

const TARGET = { rss_per_connection_max_kib: 12, errors_max: 0 } as const;
/** File descriptors the server keeps for itself (listeners, PostgreSQL pool, logs, libuv). */
const SERVER_FD_HEADROOM = 400;

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "1000,5000,10000,20000" },
    rooms: { type: "string", default: "50" },
    workers: { type: "string", default: "4" },
    settle: { type: "string", default: "3" },
    warmup: { type: "string", default: "200" },
    sources: { type: "string", default: "8" },
  },
});

const openFilesLimit = readOpenFilesLimit();
const cap = openFilesLimit - SERVER_FD_HEADROOM;
const requestedSteps = values.steps.split(",").map(Number);
const steps = [...new Set(requestedSteps.map((s) => Math.min(s, cap)))].sort((a, b) => a - b);
const top = steps[steps.length - 1] ?? 0;
const settings = {
  rooms: Number(values.rooms),
  workers: Number(values.workers),
  settleSeconds: Number(values.settle),
  warmupConnections: Number(values.warmup),
  sources: loopbackSources(Number(values.sources)),
};
if (top < Math.max(...requestedSteps)) {
  progress(`open-files limit ${openFilesLimit}: steps capped at ${cap} connections`);
}

interface StepFigures {
  connections: number;
  ready: number;
  failed: number;
  open_seconds: number;
  errors: string[];
  memory: MemoryFigures;
}

/** Opens connections up to each step, probing memory after each; returns the empty and per-step figures. */
async function measure(
  label: string,
  probe: () => Promise<MemoryFigures>,
  port: number,
  targetAt: (i: number) => ConnectionTarget,
): Promise<{ empty: MemoryFigures; steps: StepFigures[]; closes: Record<string, number> }> {
  // Warm-up: open and close a few connections first, so code compiled and pools filled on first
  // use are part of the empty figures, not charged to the first step's connections.
  const warm = await ClientFleet.start(settings.workers);
  try {
    const targets = Array.from({ length: settings.warmupConnections }, (_, k) => targetAt(top + k));
    await warm.open("127.0.0.1", port, targets, { concurrencyPerWorker: 64 });
  } finally {
    await warm.stop();
  }
  const fleet = await ClientFleet.start(settings.workers);
  try {
    await sleepSeconds(settings.settleSeconds);
    const empty = await probe();
    progress(`${label}: empty rss ${kib(empty.rss)} KiB, heap ${kib(empty.heap_used)} KiB`);
    const results: StepFigures[] = [];
    let opened = 0;
    let ready = 0;
    let failed = 0;
    let openSeconds = 0;
    const errors: string[] = [];
    for (const step of steps) {
      const targets = Array.from({ length: step - opened }, (_, k) => targetAt(opened + k));
      progress(`${label}: opening ${targets.length} more (→ ${step})`);
      const result = await fleet.open("127.0.0.1", port, targets, { concurrencyPerWorker: 64 });
      opened = step;
      ready += result.ready;
      failed += result.failed;
      openSeconds += result.seconds;
      errors.push(...result.errors);
      await sleepSeconds(settings.settleSeconds);
      const memory = await probe();
      progress(
        `${label}: ${ready} open, ${failed} failed; rss ${kib(memory.rss)} KiB, heap ${kib(memory.heap_used)} KiB`,
      );
      results.push({
        connections: step,
        ready,
        failed,
        open_seconds: round(openSeconds, 1),
        errors: errors.slice(0, 5),
        memory,
      });
    }
    const report = await fleet.report();
    return { empty, steps: results, closes: report.closes };
  } finally {
    await fleet.stop();
  }
}

function perConnection(step: StepFigures, empty: MemoryFigures) {
  const n = Math.max(1, step.ready);
  return {
    rss_kib_per_connection: round((step.memory.rss - empty.rss) / 1024 / n, 2),
    heap_kib_per_connection: round((step.memory.heap_used - empty.heap_used) / 1024 / n, 2),
    heap_total_kib_per_connection: round((step.memory.heap_total - empty.heap_total) / 1024 / n, 2),
    external_kib_per_connection: round((step.memory.external - empty.external) / 1024 / n, 2),
    /** RSS outside the V8 heap's committed pages: uWS sockets, malloc, code. */
    native_kib_per_connection: round(
      (step.memory.rss - step.memory.heap_total - (empty.rss - empty.heap_total)) / 1024 / n,
      2,
    ),
    rss_mib: round(step.memory.rss / 1024 / 1024, 1),
    heap_used_mib: round(step.memory.heap_used / 1024 / 1024, 1),
  };
}

const common = {
  ...machine(),
  code: "TypeScript via tsx",
  database: "postgresql (fresh database per run)",
  bench_profile: true,
  open_files_limit: openFilesLimit,
  client_processes: settings.workers,
  source_addresses: settings.sources.length,
  rooms: settings.rooms,
  actors: "one distinct user per connection, inserted directly with a minted access token",
  credential: "Authorization: Bearer <access token> on the upgrade",
  framing: "json",
  settle_s: settings.settleSeconds,
  memory: "process.memoryUsage() in the server after two forced full GCs (preloaded probe, SIGUSR2)",
};

progress("starting synctv serve (PostgreSQL) with the memory probe");
const server = await startRealtimeBenchServer({ nodeOptions: MEMORY_PROBE_NODE_OPTIONS });
let synctvRun: Awaited<ReturnType<typeof measure>>;
try {
  progress(`creating ${top + settings.warmupConnections} users and ${settings.rooms} rooms`);
  const actors = await server.createUsers(top + settings.warmupConnections);
  const rooms: BenchRoom[] = [];
  for (let r = 0; r < settings.rooms; r += 1) {
    const members = actors.filter((_, i) => i % settings.rooms === r);
    const owner = members[0] as BenchActor;
    rooms.push(await server.createRoom(owner, members));
  }
  synctvRun = await measure(
    "synctv",
    () => probeMemory(server.pid, server.synctv.process.lines),
    server.realtimePort,
    (i) => ({
      path: `/ws/rooms/${rooms[i % rooms.length]?.publicId}?format=json`,
      headers: { Authorization: `Bearer ${actors[i]?.token}` },
      localAddress: settings.sources[i % settings.sources.length],
    }),
  );
} finally {
  await server.stop();
}

progress("starting the bare uWebSockets.js baseline with the memory probe");
const bare = await startBareUws({ nodeOptions: MEMORY_PROBE_NODE_OPTIONS });
let bareRun: Awaited<ReturnType<typeof measure>>;
try {
  bareRun = await measure(
    "bare-uws",
    () => probeMemory(bare.pid, bare.process.lines),
    bare.port,
    (i) => ({
      path: "/ws",
      localAddress: settings.sources[i % settings.sources.length],
    }),
  );
} finally {
  await bare.stop();
}

for (const [i, step] of synctvRun.steps.entries()) {
  const previous = synctvRun.steps[i - 1];
  const figures = {
    ...perConnection(step, synctvRun.empty),
    ...marginal(step, previous),
    ready: step.ready,
    failed: step.failed,
  };
  const bareStep = bareRun.steps[i];
  const baseline = bareStep
    ? { ...perConnection(bareStep, bareRun.empty), ...marginal(bareStep, bareRun.steps[i - 1]) }
    : undefined;
  printResult({
    name: `connections.idle.n${step.connections}`,
    parameters: { ...common, connections: step.connections },
    figures: {
      ...figures,
      open_seconds: step.open_seconds,
      empty_rss_mib: round(synctvRun.empty.rss / 1024 / 1024, 1),
      empty_heap_used_mib: round(synctvRun.empty.heap_used / 1024 / 1024, 1),
      errors_sample: step.errors,
      closes_seen_by_clients: synctvRun.closes,
    },
    baseline: {
      name: "bare uWebSockets.js server (same library, welcome frame, no application), same counts, child process",
      ...baseline,
      ready: bareStep?.ready,
      empty_rss_mib: round(bareRun.empty.rss / 1024 / 1024, 1),
    },
    rss_ratio_vs_baseline:
      baseline && baseline.rss_kib_per_connection > 0
        ? round(figures.rss_kib_per_connection / baseline.rss_kib_per_connection, 2)
        : null,
    target: TARGET,
    target_met:
      figures.rss_kib_per_connection <= TARGET.rss_per_connection_max_kib &&
      step.failed === 0 &&
      step.ready === step.connections,
  });
}

/** The cost of the connections added since the previous step: the growth curve, free of start-up effects. */
function marginal(step: StepFigures, previous: StepFigures | undefined) {
  if (previous === undefined) return {};
  const n = Math.max(1, step.ready - previous.ready);
  return {
    marginal_rss_kib_per_connection: round((step.memory.rss - previous.memory.rss) / 1024 / n, 2),
    marginal_heap_kib_per_connection: round((step.memory.heap_used - previous.memory.heap_used) / 1024 / n, 2),
  };
}

function readOpenFilesLimit(): number {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : 1024;
}

function kib(bytes: number): number {
  return Math.round(bytes / 1024);
}

function sleepSeconds(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
