// bench/api (spec 09): RPCs of the real server under load, each row against a bare baseline in
// the same run. Connect JSON rows use autocannon (HTTP/1.1) against a bare Fastify 5 route; gRPC
// rows use a @grpc/grpc-js driver against a bare node:http2 gRPC handler. Servers and baselines
// each run in their own child process; the load generator is this process.
// Auth rows (LoginWithDirectPassword, RefreshToken) need each answer for the next request, so they use
// a small node:http Connect JSON driver (bench/support/auth-load.ts) instead of autocannon.
// Usage: npm run bench:api [-- --duration=10 --warmup=2 --connections=100 --users=64
//        --login-concurrency=8,32 --login-duration=15 --sessions=200 --refresh-duration=10]
//
// Adding a row (GetPlayback, SendChatMessage): append a
// scenario below whose `build` prepares users/rooms/tokens on the running server and returns the
// request(s) to send; autocannon's `requests` + `setupRequest` give per-request bodies and headers.

import os from "node:os";
import { parseArgs } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { GetServerTimeRequestSchema } from "../gen/synctv/v1/public_service_pb.js";
import { DEFAULT_OPAQUE_POOL_SIZE } from "../src/core/auth/opaque/opaque-pool.js";
import {
  type BenchUser,
  benchUsers,
  LOGIN,
  loginOnce,
  probeArgon2,
  REFRESH,
  type RefreshFailure,
  registerUsers,
  runFixedCallLoad,
  runLoginLoad,
  runRefreshLoad,
  START_LOGIN,
  type TokenChain,
} from "./support/auth-load.js";
import { startBaseline } from "./support/baseline-process.js";
import { machine, printResult, progress } from "./support/bench-output.js";
import { ConnectJsonClient } from "./support/connect-json-client.js";
import { type GrpcCallSpec, type GrpcLoadFigures, type GrpcLoadSettings, runGrpcLoad } from "./support/grpc-load.js";
import { type HttpLoadFigures, type HttpLoadSettings, type HttpRequestSpec, runHttpLoad } from "./support/http-load.js";
import { round } from "./support/percentiles.js";
import { freshDataDir, type RunningSynctv, removeDataDir, startSynctv } from "./support/synctv-process.js";

const TARGET = { ratio_min: 0.5, p99_max_ms: 20 } as const;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "100" },
    users: { type: "string", default: "64" },
    "login-concurrency": { type: "string", default: "8,32" },
    "login-duration": { type: "string", default: "15" },
    sessions: { type: "string", default: "200" },
    "refresh-duration": { type: "string", default: "10" },
  },
});
const httpSettings: HttpLoadSettings = {
  connections: Number(values.connections),
  durationSeconds: Number(values.duration),
  warmupSeconds: Number(values.warmup),
};
// The same 100 concurrent requests as the HTTP rows, multiplexed over a few HTTP/2 connections.
const GRPC_CHANNELS = 4;
const grpcSettings: GrpcLoadSettings = {
  channels: GRPC_CHANNELS,
  callsInFlightPerChannel: Math.ceil(httpSettings.connections / GRPC_CHANNELS),
  durationSeconds: httpSettings.durationSeconds,
  warmupSeconds: httpSettings.warmupSeconds,
};

interface ConnectJsonScenario {
  name: string;
  /** Prepares state on the running server (users, rooms, tokens) and returns what to send. */
  build(server: RunningSynctv): Promise<HttpRequestSpec>;
  /** The same-shaped request against bare-fastify.ts; rows sharing one are measured once. */
  baseline: HttpRequestSpec;
}

interface GrpcScenario {
  name: string;
  build(server: RunningSynctv): Promise<GrpcCallSpec>;
}

const jsonHeaders = { "content-type": "application/json" };
const getServerTimeJson: HttpRequestSpec = {
  method: "POST",
  path: "/synctv.v1.PublicService/GetServerTime",
  headers: jsonHeaders,
  body: JSON.stringify({ clientTimeMs: "1" }),
};

const connectJsonScenarios: ConnectJsonScenario[] = [
  { name: "api.connect_json.GetServerTime", build: async () => getServerTimeJson, baseline: getServerTimeJson },
];

const grpcScenarios: GrpcScenario[] = [
  {
    name: "api.grpc.GetServerTime",
    build: async () => {
      const bytes = toBinary(GetServerTimeRequestSchema, create(GetServerTimeRequestSchema, { clientTimeMs: 1n }));
      return { path: "/synctv.v1.PublicService/GetServerTime", encode: () => bytes };
    },
  },
];

// Auth rows (spec 05 §3.1–3.2, §3.7; spec 09 bench profile: many users, follow the rotation chain).
// They need each answer for the next request, so they use bench/support/auth-load.ts, not autocannon.
const authSettings = {
  users: Number(values.users),
  /** Registrations in flight at once: well inside the OPAQUE pool's 4 running + 64 queued. */
  registerBatch: 16,
  loginConcurrency: values["login-concurrency"].split(",").map(Number),
  loginSeconds: Number(values["login-duration"]),
  sessions: Number(values.sessions),
  refreshConcurrency: httpSettings.connections,
  refreshSeconds: Number(values["refresh-duration"]),
  refreshWarmupSeconds: httpSettings.warmupSeconds,
  /** The GetServerTime baselines of the auth rows, through the same driver. */
  baselineSeconds: 5,
  argon2ProbeRuns: 3,
};
const AUTH_TARGET = {
  spec09: "no login or refresh throughput bar is stated; bench profile: many users, rotation chain followed",
  errors_max: 0,
  unauthenticated_max: 0,
} as const;

/** What the RefreshToken row compares with: both measured earlier in this run at 100 connections. */
interface RefreshBaselines {
  bareFastify: HttpLoadFigures;
  serverGetServerTime: HttpLoadFigures;
}

async function runAuthRows(server: RunningSynctv, refreshBaselines: RefreshBaselines | undefined): Promise<void> {
  const maxInFlight = Math.max(
    authSettings.refreshConcurrency,
    authSettings.registerBatch,
    ...authSettings.loginConcurrency,
  );
  const client = new ConnectJsonClient(server.apiUrl, maxInFlight);
  const driver =
    "node:http keep-alive Connect JSON driver, closed loop (bench/support/auth-load.ts, in the bench process)";
  const getServerTime = { clientTimeMs: "1" };
  const getServerTimePath = getServerTimeJson.path;
  try {
    const users: BenchUser[] = benchUsers(authSettings.users);
    progress(`registering ${users.length} users, ${authSettings.registerBatch} at a time`);
    const registered = await registerUsers(client, users, authSettings.registerBatch);
    progress(`registered in ${round(registered.seconds)} s`);
    const chains: TokenChain[] = [...registered.chains];

    progress(`timing ${authSettings.argon2ProbeRuns} OPAQUE verifications (argon2id) in the bench process`);
    const argon2 = await probeArgon2(authSettings.argon2ProbeRuns);
    const cpus = os.availableParallelism();
    const ceiling = {
      argon2_single_verify_ms: argon2.single_verify_ms,
      argon2_samples_ms: argon2.samples_ms,
      pool_workers: DEFAULT_OPAQUE_POOL_SIZE,
      cpus,
      pool_ceiling_logins_per_sec: round((DEFAULT_OPAQUE_POOL_SIZE * 1000) / argon2.single_verify_ms, 2),
      cpu_ceiling_logins_per_sec: round((Math.min(DEFAULT_OPAQUE_POOL_SIZE, cpus) * 1000) / argon2.single_verify_ms, 2),
      note: "pool ceiling = 4 workers / one verification (timed in one thread of the bench process); with fewer cores than workers the cores are the bound, and the server, its event loop and this driver share them",
    };

    for (const concurrency of authSettings.loginConcurrency) {
      progress(`baseline: GetServerTime at ${concurrency} in flight`);
      const baseline = await runFixedCallLoad(
        client,
        getServerTimePath,
        getServerTime,
        concurrency,
        authSettings.baselineSeconds,
      );
      const name = `api.connect_json.LoginWithDirectPassword.c${concurrency}`;
      progress(name);
      const figures = await runLoginLoad(client, users, concurrency, authSettings.loginSeconds, (c) => chains.push(c));
      printResult({
        name,
        parameters: {
          ...common,
          driver,
          concurrency,
          duration_s: authSettings.loginSeconds,
          warmup: "none (the pool's workers are already running after the registrations)",
          users: users.length,
          user_selection: "round-robin, next user per iteration",
          one_login: `${START_LOGIN} then ${LOGIN}`,
          opaque_pool: { workers: DEFAULT_OPAQUE_POOL_SIZE, queue: 64 },
        },
        figures,
        baseline: {
          name: "GetServerTime on the same server, same driver and concurrency",
          requests_per_sec: baseline.requests_per_sec,
          latency_p50_ms: baseline.latency_p50_ms,
          latency_p99_ms: baseline.latency_p99_ms,
          errors: baseline.errors,
          duration_s: authSettings.baselineSeconds,
        },
        ceiling,
        ratio_vs_cpu_ceiling: round(figures.logins_per_sec / ceiling.cpu_ceiling_logins_per_sec, 2),
        ratio_vs_pool_ceiling: round(figures.logins_per_sec / ceiling.pool_ceiling_logins_per_sec, 2),
        target: AUTH_TARGET,
        target_met: figures.errors === 0 && figures.resource_exhausted === 0,
      });
    }

    // Chains: one per registration and per login so far; top up with more logins if short.
    let u = 0;
    while (chains.length < authSettings.sessions) {
      const need = Math.min(8, authSettings.sessions - chains.length);
      progress(`topping up refresh chains: ${chains.length} + ${need}`);
      const batch = Array.from({ length: need }, () => users[u++ % users.length] as BenchUser);
      chains.push(...(await Promise.all(batch.map((user) => loginOnce(client, user)))));
    }
    const selected = chains.slice(0, authSettings.sessions);
    const distinctUsers = new Set(selected.map((c) => c.user)).size;

    progress(`baseline: GetServerTime at ${authSettings.refreshConcurrency} in flight, same driver`);
    const sameDriver = await runFixedCallLoad(
      client,
      getServerTimePath,
      getServerTime,
      authSettings.refreshConcurrency,
      authSettings.baselineSeconds,
    );
    const failures: RefreshFailure[] = [];
    progress("api.connect_json.RefreshToken");
    if (authSettings.refreshWarmupSeconds > 0) {
      // The warm-up rotates the same chains, so the measured run continues them.
      await runRefreshLoad(
        client,
        selected,
        authSettings.refreshConcurrency,
        authSettings.refreshWarmupSeconds,
        failures,
      );
    }
    const figures = await runRefreshLoad(
      client,
      selected,
      authSettings.refreshConcurrency,
      authSettings.refreshSeconds,
      failures,
    );
    const bareRps = refreshBaselines?.bareFastify.requests_per_sec;
    printResult({
      name: "api.connect_json.RefreshToken",
      parameters: {
        ...common,
        driver,
        concurrency: authSettings.refreshConcurrency,
        duration_s: authSettings.refreshSeconds,
        warmup_s: authSettings.refreshWarmupSeconds,
        chains: selected.length,
        distinct_users: distinctUsers,
        chains_per_worker: round(selected.length / authSettings.refreshConcurrency, 2),
        rotation:
          "each worker owns its chains and rotates them in turn; every refresh presents the chain's newest token; never two in flight per chain; rotations_per_chain include the warm-up",
        request: { method: "POST", path: REFRESH },
      },
      figures,
      baseline: {
        name: "bare Fastify 5 route (GetServerTime JSON shape), autocannon, same connections, measured above in this run",
        requests_per_sec: bareRps,
        latency_p99_ms: refreshBaselines?.bareFastify.latency_p99_ms,
        server_get_server_time_autocannon: refreshBaselines && {
          requests_per_sec: refreshBaselines.serverGetServerTime.requests_per_sec,
          latency_p99_ms: refreshBaselines.serverGetServerTime.latency_p99_ms,
        },
        server_get_server_time_same_driver: sameDriver,
      },
      ratio_vs_baseline: bareRps === undefined ? null : round(figures.requests_per_sec / bareRps, 2),
      ratio_vs_get_server_time_same_driver: round(figures.requests_per_sec / sameDriver.requests_per_sec, 2),
      failures_sample: failures.slice(0, 10),
      target: { ...AUTH_TARGET, informational_api_bar: TARGET },
      target_met: figures.errors === 0 && failures.length === 0,
    });
    const unauthenticated = failures.filter((f) => f.error.code === "unauthenticated");
    if (unauthenticated.length > 0) {
      process.exitCode = 1;
      progress(
        `ERROR: ${unauthenticated.length} RefreshToken call(s) answered UNAUTHENTICATED although every refresh presented its chain's newest token with no other refresh of that chain in flight. Either this driver or the server's rotation is broken:`,
      );
      for (const f of unauthenticated.slice(0, 20)) progress(`  ${JSON.stringify(f)}`);
    } else if (failures.length > 0) {
      process.exitCode = 1;
      progress(`ERROR: ${failures.length} refresh chain(s) failed: ${JSON.stringify(failures.slice(0, 5))}`);
    }
  } finally {
    client.close();
  }
}

/** Fails fast when a scenario's request does not even succeed once: a fast 404 is no benchmark. */
async function preflight(baseUrl: string, spec: HttpRequestSpec): Promise<void> {
  const first = spec.requests?.[0];
  const res = await fetch(baseUrl + (first?.path ?? spec.path), {
    method: first?.method ?? spec.method,
    headers: spec.headers,
    body: typeof first?.body === "string" ? first.body : spec.body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${spec.path} answered ${res.status}: ${text}`);
}

function verdict(figures: HttpLoadFigures | GrpcLoadFigures, baselineRps: number) {
  const ratio = round(figures.requests_per_sec / baselineRps, 2);
  return {
    ratio_vs_baseline: ratio,
    target_met:
      ratio >= TARGET.ratio_min &&
      figures.latency_p99_ms <= TARGET.p99_max_ms &&
      figures.errors === 0 &&
      figures.non2xx === 0,
  };
}

const dataDir = await freshDataDir();
progress("starting synctv serve and the baselines");
const [server, bareFastify, bareGrpc] = await Promise.all([
  startSynctv({ dataDir, logLevel: "warn" }),
  startBaseline("bare-fastify.ts"),
  startBaseline("bare-grpc.ts"),
]);
const common = { ...machine(), code: "TypeScript via tsx", database: "pglite (embedded)", bench_profile: true };

try {
  const bareFastifyUrl = `http://127.0.0.1:${bareFastify.port}`;
  const baselineCache = new Map<string, HttpLoadFigures>();
  const rowFigures = new Map<string, HttpLoadFigures>();
  for (const scenario of connectJsonScenarios) {
    const key = `${scenario.baseline.path} ${scenario.baseline.body ?? ""}`;
    let baseline = baselineCache.get(key);
    if (baseline === undefined) {
      await preflight(bareFastifyUrl, scenario.baseline);
      progress(`baseline: bare Fastify ${scenario.baseline.path}`);
      baseline = await runHttpLoad(bareFastifyUrl, scenario.baseline, httpSettings);
      baselineCache.set(key, baseline);
    }
    const spec = await scenario.build(server);
    await preflight(server.apiUrl, spec);
    progress(scenario.name);
    const figures = await runHttpLoad(server.apiUrl, spec, httpSettings);
    rowFigures.set(scenario.name, figures);
    printResult({
      name: scenario.name,
      parameters: {
        ...common,
        driver: "autocannon (HTTP/1.1, in the bench process)",
        connections: httpSettings.connections,
        duration_s: httpSettings.durationSeconds,
        warmup_s: httpSettings.warmupSeconds,
        request: { method: spec.method, path: spec.path, body: spec.body },
      },
      figures,
      baseline: {
        name: "bare Fastify 5 route, same JSON shape (child process)",
        requests_per_sec: baseline.requests_per_sec,
        latency_p99_ms: baseline.latency_p99_ms,
        errors: baseline.errors,
      },
      ...verdict(figures, baseline.requests_per_sec),
      target: TARGET,
    });
  }

  let grpcBaseline: GrpcLoadFigures | undefined;
  for (const scenario of grpcScenarios) {
    if (grpcBaseline === undefined) {
      progress("baseline: bare node:http2 gRPC handler");
      // The baseline answers GetServerTime whatever the path, so one run serves every gRPC row.
      grpcBaseline = await runGrpcLoad(
        `127.0.0.1:${bareGrpc.port}`,
        await grpcScenarios[0]!.build(server),
        grpcSettings,
      );
    }
    const spec = await scenario.build(server);
    progress(scenario.name);
    const figures = await runGrpcLoad(`127.0.0.1:${server.apiPort}`, spec, grpcSettings);
    printResult({
      name: scenario.name,
      parameters: {
        ...common,
        driver: "@grpc/grpc-js closed-loop unary calls (h2c, in the bench process)",
        channels: grpcSettings.channels,
        calls_in_flight: grpcSettings.channels * grpcSettings.callsInFlightPerChannel,
        duration_s: grpcSettings.durationSeconds,
        warmup_s: grpcSettings.warmupSeconds,
        request: { path: spec.path },
      },
      figures,
      baseline: {
        name: "bare node:http2 gRPC handler, same messages (child process)",
        requests_per_sec: grpcBaseline.requests_per_sec,
        latency_p99_ms: grpcBaseline.latency_p99_ms,
        errors: grpcBaseline.errors,
      },
      ...verdict(figures, grpcBaseline.requests_per_sec),
      target: TARGET,
    });
  }

  const bareGetServerTime = baselineCache.get(`${getServerTimeJson.path} ${getServerTimeJson.body ?? ""}`);
  const serverGetServerTime = rowFigures.get("api.connect_json.GetServerTime");
  await runAuthRows(
    server,
    bareGetServerTime && serverGetServerTime ? { bareFastify: bareGetServerTime, serverGetServerTime } : undefined,
  );
} finally {
  const code = await server.stop();
  if (code !== 0) progress(`warning: synctv exited with ${code} after SIGTERM`);
  await Promise.all([bareFastify.stop(), bareGrpc.stop()]);
  await removeDataDir(dataDir);
}
