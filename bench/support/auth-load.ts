// Drivers for the auth rows of bench/api (spec 09 bench profile; spec 05 §3.1–3.2, §3.7):
// - registering many distinct users in batches the OPAQUE pool can hold (4 running + 64 queued);
// - a closed-loop login driver: StartLogin then LoginWithDirectPassword, users round-robin;
// - a closed-loop refresh driver that follows each rotation chain: every chain belongs to exactly one
//   worker, which always presents the newest refresh token and never has two refreshes of one chain in
//   flight (a second use of a token is a replay and revokes the family, by design);
// - a probe timing one argon2id-bearing OPAQUE verification in this process, for the CPU ceiling.
import { ready, server } from "@serenity-kit/opaque";
import { registerWithPassword, verifyWithPassword } from "../../src/core/auth/opaque/opaque-password-flows.js";
import { type ConnectJsonClient, type ErrorSummary, type RpcOutcome, summarizeError } from "./connect-json-client.js";
import { median, percentile, round } from "./percentiles.js";

const AUTH = "/synctv.v1.AuthService";
export const REGISTER = `${AUTH}/RegisterWithDirectPassword`;
export const START_LOGIN = `${AUTH}/StartLogin`;
export const LOGIN = `${AUTH}/LoginWithDirectPassword`;
export const REFRESH = `${AUTH}/RefreshToken`;

/** Login waits behind the argon2 queue: at 32 in flight that is seconds, not milliseconds. */
const LOGIN_TIMEOUT_MS = 30_000;
const REFRESH_TIMEOUT_MS = 10_000;

export interface BenchUser {
  username: string;
  password: string;
}

/** One refresh-token family (`sid`): the newest token, and how far the chain has rotated. */
export interface TokenChain {
  user: string;
  refreshToken: string;
  rotations: number;
  /** Set once the chain's state is unknown or rejected: never presented again. */
  dead: boolean;
}

export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({
    username: `bench_user_${String(i).padStart(4, "0")}`,
    // Policy: ≥ 8 characters with upper, lower and digit; no character repeated more than 3 times.
    password: `Bench-Pass-${i}x`,
  }));
}

function tokensOf(outcome: RpcOutcome): { refreshToken: string } | undefined {
  const result = (outcome.body?.result ?? outcome.body) as { refreshToken?: unknown } | undefined;
  return typeof result?.refreshToken === "string" ? { refreshToken: result.refreshToken } : undefined;
}

/** Registers every user, `batch` at a time; each registration's token pair starts one chain. */
export async function registerUsers(
  client: ConnectJsonClient,
  users: readonly BenchUser[],
  batch: number,
): Promise<{ chains: TokenChain[]; seconds: number }> {
  const chains: TokenChain[] = [];
  const started = performance.now();
  for (let i = 0; i < users.length; i += batch) {
    await Promise.all(
      users.slice(i, i + batch).map(async (u) => {
        const outcome = await client.call(REGISTER, { username: u.username, password: u.password }, LOGIN_TIMEOUT_MS);
        const tokens = tokensOf(outcome);
        if (outcome.code !== null || tokens === undefined) {
          throw new Error(`RegisterWithDirectPassword ${u.username}: ${JSON.stringify(summarizeError(outcome))}`);
        }
        chains.push({ user: u.username, refreshToken: tokens.refreshToken, rotations: 0, dead: false });
      }),
    );
  }
  return { chains, seconds: (performance.now() - started) / 1000 };
}

/** One login (StartLogin + LoginWithDirectPassword) outside any measurement, e.g. to top up chains. */
export async function loginOnce(client: ConnectJsonClient, user: BenchUser): Promise<TokenChain> {
  const start = await client.call(START_LOGIN, { identifier: user.username }, LOGIN_TIMEOUT_MS);
  const login = await client.call(
    LOGIN,
    { loginSessionId: start.body?.loginSessionId, password: user.password },
    LOGIN_TIMEOUT_MS,
  );
  const tokens = tokensOf(login);
  if (start.code !== null || login.code !== null || tokens === undefined) {
    throw new Error(`login ${user.username}: ${JSON.stringify(summarizeError(start.code ? start : login))}`);
  }
  return { user: user.username, refreshToken: tokens.refreshToken, rotations: 0, dead: false };
}

export interface LoginFigures {
  logins_per_sec: number;
  /** StartLogin + LoginWithDirectPassword, one successful login. */
  pair_latency_p50_ms: number;
  pair_latency_p99_ms: number;
  /** LoginWithDirectPassword alone: queue wait + argon2id + token issue. */
  login_call_latency_p50_ms: number;
  login_call_latency_p99_ms: number;
  /** StartLogin alone (padded to 100–200 ms by design, spec 05 §3.1). */
  start_login_latency_p50_ms: number;
  logins: number;
  /** Failed calls, `<Method>:<connect code>` → count. */
  errors_by_code: Record<string, number>;
  /** Pool full (or any rate limit): counted apart from the other errors. */
  resource_exhausted: number;
  errors: number;
  elapsed_s: number;
}

/** `concurrency` closed loops for `seconds`; each iteration logs in the next user round-robin. */
export async function runLoginLoad(
  client: ConnectJsonClient,
  users: readonly BenchUser[],
  concurrency: number,
  seconds: number,
  harvest: (chain: TokenChain) => void,
): Promise<LoginFigures> {
  const pair: number[] = [];
  const loginCall: number[] = [];
  const startCall: number[] = [];
  const errorsByCode: Record<string, number> = {};
  let next = 0;
  let resourceExhausted = 0;
  let errors = 0;
  const fail = (method: string, outcome: RpcOutcome) => {
    const key = `${method}:${outcome.code}`;
    errorsByCode[key] = (errorsByCode[key] ?? 0) + 1;
    if (outcome.code === "resource_exhausted") resourceExhausted += 1;
    else errors += 1;
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const user = users[next++ % users.length];
      if (user === undefined) throw new Error("no users");
      const start = await client.call(START_LOGIN, { identifier: user.username }, LOGIN_TIMEOUT_MS);
      if (start.code !== null) {
        fail("StartLogin", start);
        continue;
      }
      const login = await client.call(
        LOGIN,
        { loginSessionId: start.body?.loginSessionId, password: user.password },
        LOGIN_TIMEOUT_MS,
      );
      const tokens = tokensOf(login);
      if (login.code !== null || tokens === undefined) {
        fail("LoginWithDirectPassword", login);
        continue;
      }
      startCall.push(start.ms);
      loginCall.push(login.ms);
      pair.push(start.ms + login.ms);
      harvest({ user: user.username, refreshToken: tokens.refreshToken, rotations: 0, dead: false });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  for (const a of [pair, loginCall, startCall]) a.sort((x, y) => x - y);
  return {
    logins_per_sec: round(pair.length / elapsed, 2),
    pair_latency_p50_ms: round(percentile(pair, 50)),
    pair_latency_p99_ms: round(percentile(pair, 99)),
    login_call_latency_p50_ms: round(percentile(loginCall, 50)),
    login_call_latency_p99_ms: round(percentile(loginCall, 99)),
    start_login_latency_p50_ms: round(percentile(startCall, 50)),
    logins: pair.length,
    errors_by_code: errorsByCode,
    resource_exhausted: resourceExhausted,
    errors,
    elapsed_s: round(elapsed, 2),
  };
}

export interface RefreshFigures {
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  refreshes: number;
  errors_by_code: Record<string, number>;
  errors: number;
  /** UNAUTHENTICATED answers: with one in-flight refresh per chain and the newest token, always a bug. */
  unauthenticated: number;
  chains: number;
  /** Chains abandoned after an error (state unknown or rejected): never presented again. */
  chains_dead: number;
  min_rotations_per_chain: number;
  max_rotations_per_chain: number;
  elapsed_s: number;
}

export interface RefreshFailure {
  chain: number;
  user: string;
  /** Successful rotations of this chain before the failing call. */
  rotations: number;
  /** The presented token's claims (decoded, not verified: the server already did that). */
  claims: Record<string, unknown> | undefined;
  status: number;
  error: ErrorSummary;
  latency_ms: number;
}

/**
 * `concurrency` workers for `seconds`; worker w owns chains w, w + concurrency, … and rotates them in
 * turn, awaiting each call, so no chain ever has two refreshes in flight and each refresh presents the
 * chain's newest token. A chain whose call failed in a way that may have consumed the token (anything
 * but a rate limit, which the server checks before the blacklist) is retired, never retried.
 */
export async function runRefreshLoad(
  client: ConnectJsonClient,
  chains: TokenChain[],
  concurrency: number,
  seconds: number,
  failures: RefreshFailure[],
): Promise<RefreshFigures> {
  const latencies: number[] = [];
  const errorsByCode: Record<string, number> = {};
  let errors = 0;
  let unauthenticated = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async (w: number) => {
    const mine: number[] = [];
    for (let i = w; i < chains.length; i += concurrency) mine.push(i);
    let turn = 0;
    while (performance.now() < end) {
      const live = mine.filter((i) => !chains[i]?.dead);
      const index = live[turn++ % Math.max(1, live.length)];
      const chain = index === undefined ? undefined : chains[index];
      if (index === undefined || chain === undefined) return;
      const presented = chain.refreshToken;
      const outcome = await client.call(REFRESH, { refreshToken: presented }, REFRESH_TIMEOUT_MS);
      const tokens = tokensOf(outcome);
      if (outcome.code === null && tokens !== undefined) {
        latencies.push(outcome.ms);
        chain.refreshToken = tokens.refreshToken;
        chain.rotations += 1;
        continue;
      }
      const key = `RefreshToken:${outcome.code}`;
      errorsByCode[key] = (errorsByCode[key] ?? 0) + 1;
      errors += 1;
      if (outcome.code === "resource_exhausted") continue;
      chain.dead = true;
      if (outcome.code === "unauthenticated") unauthenticated += 1;
      failures.push({
        chain: index,
        user: chain.user,
        rotations: chain.rotations,
        claims: unverifiedClaims(presented),
        status: outcome.status,
        error: summarizeError(outcome),
        latency_ms: round(outcome.ms),
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const rotations = chains.map((c) => c.rotations);
  return {
    requests_per_sec: Math.round(latencies.length / elapsed),
    latency_p50_ms: round(percentile(latencies, 50), 2),
    latency_p99_ms: round(percentile(latencies, 99), 2),
    refreshes: latencies.length,
    errors_by_code: errorsByCode,
    errors,
    unauthenticated,
    chains: chains.length,
    chains_dead: chains.filter((c) => c.dead).length,
    min_rotations_per_chain: Math.min(...rotations),
    max_rotations_per_chain: Math.max(...rotations),
    elapsed_s: round(elapsed, 2),
  };
}

function unverifiedClaims(jwt: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface Argon2Probe {
  /** Median of `runs` OPAQUE verifications (client startLogin, server startLogin, client finishLogin
   *  with its argon2id stretching, server finishLogin): the work one login puts on a pool worker. */
  single_verify_ms: number;
  runs: number;
  samples_ms: number[];
}

/** Times the worker's exact login work in this process (one thread), with a throwaway server setup. */
export async function probeArgon2(runs: number): Promise<Argon2Probe> {
  await ready;
  const setup = server.createSetup();
  const password = "Probe-Pass-1x";
  const record = registerWithPassword(setup, "probe", password);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    if (!verifyWithPassword(setup, "probe", record, password)) throw new Error("argon2 probe: verification failed");
    samples.push(performance.now() - t);
  }
  return { single_verify_ms: round(median(samples)), runs, samples_ms: samples.map((s) => round(s)) };
}

export interface FixedCallFigures {
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  errors: number;
  total_requests: number;
}

/** The same driver on one fixed call (a baseline that shares the auth rows' client cost). */
export async function runFixedCallLoad(
  client: ConnectJsonClient,
  procedure: string,
  message: object,
  concurrency: number,
  seconds: number,
): Promise<FixedCallFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const outcome = await client.call(procedure, message, REFRESH_TIMEOUT_MS);
      if (outcome.code === null) latencies.push(outcome.ms);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests_per_sec: Math.round(latencies.length / elapsed),
    latency_p50_ms: round(percentile(latencies, 50), 2),
    latency_p99_ms: round(percentile(latencies, 99), 2),
    errors,
    total_requests: latencies.length,
  };
}
