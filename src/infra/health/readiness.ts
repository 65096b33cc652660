// Readiness of this node (spec 08 §6.1): dependencies reachable and fast enough, migrations
// applied, listeners up, not draining, memory below the limit. Results are cached for one second
// so probes cannot turn into load on the database.
import { readFileSync } from "node:fs";
import { freemem, totalmem } from "node:os";
import type { Clock } from "../clock.js";

export type CheckStatus = "ok" | "fail" | "not_configured";

export interface DependencyCheck {
  status: CheckStatus;
  latency_ms?: number;
  [detail: string]: unknown;
}

export interface ReadinessProbes {
  database(): Promise<{ latencyMs: number; driver: string; pendingMigrations: number }>;
  /** Undefined when Redis is not configured. */
  redis?: () => Promise<number>;
  listening(): { api: boolean; realtime: boolean };
  draining(): boolean;
}

export interface ReadinessReport {
  ready: boolean;
  body: {
    status: "ok" | "unavailable";
    node_id: string;
    version: string;
    dev_mode: boolean;
    checks: Record<string, DependencyCheck | Record<string, unknown>>;
  };
}

const DATABASE_BUDGET_MS = 5_000;
const REDIS_BUDGET_MS = 2_000;
const MEMORY_LIMIT_RATIO = 0.9;
const CACHE_MS = 1_000;

export interface ReadinessOptions {
  nodeId: string;
  version: string;
  devMode: boolean;
  clock: Clock;
  probes: ReadinessProbes;
}

export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;
  return () => {
    const now = options.clock.now();
    if (!cached || now - cached.at >= CACHE_MS || options.probes.draining()) {
      cached = { at: now, report: evaluate(options) };
    }
    return cached.report;
  };
}

async function evaluate({ nodeId, version, devMode, probes }: ReadinessOptions): Promise<ReadinessReport> {
  const [database, redis] = await Promise.all([checkDatabase(probes), checkRedis(probes)]);
  const listening = probes.listening();
  const draining = probes.draining();
  const memory = memoryUsedRatio();
  const ready =
    database.status === "ok" &&
    redis.status !== "fail" &&
    listening.api &&
    listening.realtime &&
    !draining &&
    memory <= MEMORY_LIMIT_RATIO;
  return {
    ready,
    body: {
      status: ready ? "ok" : "unavailable",
      node_id: nodeId,
      version,
      dev_mode: devMode,
      checks: {
        database,
        redis,
        realtime: { listening: listening.realtime },
        api: { listening: listening.api },
        memory: { used_ratio: Number(memory.toFixed(3)) },
        shutdown: { draining },
      },
    },
  };
}

async function checkDatabase(probes: ReadinessProbes): Promise<DependencyCheck> {
  try {
    const result = await withBudget(probes.database(), DATABASE_BUDGET_MS);
    const ok = result.pendingMigrations === 0;
    return {
      status: ok ? "ok" : "fail",
      driver: result.driver,
      latency_ms: result.latencyMs,
      migrations: ok ? "up_to_date" : `${result.pendingMigrations}_pending`,
    };
  } catch (e) {
    return { status: "fail", error: describe(e) };
  }
}

async function checkRedis(probes: ReadinessProbes): Promise<DependencyCheck> {
  if (!probes.redis) return { status: "not_configured" };
  try {
    return { status: "ok", latency_ms: await withBudget(probes.redis(), REDIS_BUDGET_MS) };
  } catch (e) {
    return { status: "fail", error: describe(e) };
  }
}

function withBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Only the error's class of failure: health output is for operators but must not echo secrets. */
function describe(e: unknown): string {
  if (e instanceof Error && /no answer within/.test(e.message)) return e.message;
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "unreachable";
}

/** Memory in use relative to the cgroup limit when there is one, else to system RAM. */
function memoryUsedRatio(): number {
  const limit = cgroupLimit();
  if (limit !== undefined) return process.memoryUsage.rss() / limit;
  return 1 - freemem() / totalmem();
}

function cgroupLimit(): number | undefined {
  try {
    const raw = readFileSync("/sys/fs/cgroup/memory.max", "utf8").trim();
    const n = Number(raw);
    return raw === "max" || !Number.isFinite(n) ? undefined : n;
  } catch {
    return undefined;
  }
}
