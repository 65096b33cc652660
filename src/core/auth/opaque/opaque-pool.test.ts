import { ready, server } from "@serenity-kit/opaque";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../errors.js";
import { OpaqueWorkerPool } from "./opaque-pool.js";

let serverSetup: string;
const pools: OpaqueWorkerPool[] = [];

beforeAll(async () => {
  await ready;
  serverSetup = server.createSetup();
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function makePool(poolSize: number, queueLimit: number): OpaqueWorkerPool {
  const pool = new OpaqueWorkerPool({ serverSetup, poolSize, queueLimit });
  pools.push(pool);
  return pool;
}

const verifyTask = (n: number) => ({ op: "verify" as const, identifier: `user:${n}`, record: null, password: "pw" });

/** Settles every promise and reports each outcome, so one rejection does not hide the others. */
async function outcomes(promises: Array<Promise<unknown>>) {
  const settled = await Promise.allSettled(promises);
  return settled.map((s) => (s.status === "fulfilled" ? "ok" : s.reason));
}

describe("OPAQUE worker pool", () => {
  it("never runs more operations than workers, and rejects beyond the queue with 2002", async () => {
    const pool = makePool(2, 3);
    let peakRunning = 0;
    let peakWorkers = 0;
    const sample = () => {
      const stats = pool.stats();
      peakRunning = Math.max(peakRunning, stats.running);
      peakWorkers = Math.max(peakWorkers, stats.workers);
    };
    const timer = setInterval(sample, 5);
    try {
      const jobs = Array.from({ length: 7 }, (_, n) => pool.run(verifyTask(n)));
      sample();
      expect(pool.stats()).toEqual({ workers: 2, running: 2, queued: 3 });
      const results = await outcomes(jobs);
      expect(results.slice(0, 5)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
      for (const rejected of results.slice(5)) {
        expect(rejected).toBeInstanceOf(DomainError);
        expect(rejected).toMatchObject({ kind: "RATE_LIMITED", code: 2002 });
        expect((rejected as DomainError).retryAfterMs).toBeGreaterThan(0);
      }
    } finally {
      clearInterval(timer);
    }
    expect(peakRunning).toBe(2);
    expect(peakWorkers).toBe(2);
    expect(pool.stats()).toEqual({ workers: 2, running: 0, queued: 0 });
  });

  it("the default pool runs at most 4 at once with a queue of 64", async () => {
    const pool = new OpaqueWorkerPool({ serverSetup });
    pools.push(pool);
    const jobs = Array.from({ length: 69 }, (_, n) => pool.run(verifyTask(n)));
    expect(pool.stats()).toEqual({ workers: 4, running: 4, queued: 64 });
    const last = await outcomes(jobs.slice(68));
    expect(last[0]).toMatchObject({ code: 2002 });
    // Do not wait for the 68 accepted checks: closing fails the queued and running ones.
    const settling = outcomes(jobs.slice(0, 68));
    await pool.close();
    const accepted = await settling;
    expect(accepted.every((r) => r instanceof DomainError && r.kind === "SERVICE_UNAVAILABLE")).toBe(true);
  });

  it("a queue limit of 0 admits only what the workers can start", async () => {
    const pool = makePool(1, 0);
    const results = await outcomes([pool.run(verifyTask(1)), pool.run(verifyTask(2))]);
    expect(results[0]).toBe("ok");
    expect(results[1]).toMatchObject({ code: 2002 });
  });

  it("a registration runs in a worker and returns a record", async () => {
    const pool = makePool(1, 1);
    const response = await pool.run({ op: "register", identifier: "user:x", password: "Pw-123456" });
    expect(response).toMatchObject({ ok: true, op: "register", record: expect.stringMatching(/^[A-Za-z0-9_-]{256}$/) });
  });

  it("a library failure in a worker is INTERNAL and the worker keeps serving", async () => {
    const pool = makePool(1, 1);
    const broken = pool.run({ op: "verify", identifier: "user:x", record: "AAAA", password: "pw" });
    await expect(broken).rejects.toMatchObject({ kind: "INTERNAL" });
    await expect(pool.run(verifyTask(1))).resolves.toMatchObject({ ok: true, valid: false });
    expect(pool.stats().workers).toBe(1);
  });

  it("after close, new work is refused", async () => {
    const pool = makePool(1, 1);
    await pool.close();
    await expect(pool.run(verifyTask(1))).rejects.toMatchObject({ kind: "SERVICE_UNAVAILABLE" });
  });
});
