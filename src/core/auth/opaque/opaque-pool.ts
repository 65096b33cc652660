// A bounded worker_threads pool for the OPAQUE password flows (spec 05 §3.2): at most `poolSize` key
// stretchings at once (one per worker), at most `queueLimit` waiting, and RESOURCE_EXHAUSTED beyond that,
// so a burst of logins cannot pile up unbounded argon2id work or starve the event loop.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DomainError, rateLimited, serviceUnavailable } from "../../errors.js";
import type { OpaqueWorkerRequest, OpaqueWorkerResponse, OpaqueWorkerTask } from "./opaque-worker-protocol.js";

export const DEFAULT_OPAQUE_POOL_SIZE = 4;
export const DEFAULT_OPAQUE_QUEUE_LIMIT = 64;
// One argon2id run takes ~0.4 s; a full queue drains in a few seconds.
const RETRY_AFTER_MS = 1000;

export interface OpaquePoolOptions {
  serverSetup: string;
  poolSize?: number;
  queueLimit?: number;
}

export interface OpaquePoolStats {
  workers: number;
  running: number;
  queued: number;
}

interface Job {
  task: OpaqueWorkerTask;
  resolve: (response: OpaqueWorkerResponse) => void;
  reject: (error: unknown) => void;
}

/**
 * The worker module next to this one: `.ts` when running from sources (loaded through tsx), `.js` from a
 * build. Plain Node cannot load TypeScript in a worker, hence the tsx import hook for the sources.
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const sourceUrl = new URL("./opaque-worker.ts", import.meta.url);
  if (fileURLToPath(import.meta.url).endsWith(".ts") && existsSync(sourceUrl)) {
    return { url: sourceUrl, execArgv: ["--import", tsxSpecifier()] };
  }
  return { url: new URL("./opaque-worker.js", import.meta.url), execArgv: [] };
}

/** tsx resolved from this package, so the worker finds it whatever the process's working directory is. */
function tsxSpecifier(): string {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return "tsx";
  }
}

function internal(message: string, cause?: unknown): DomainError {
  return new DomainError("INTERNAL", message, cause === undefined ? {} : { cause });
}

export class OpaqueWorkerPool {
  readonly #serverSetup: string;
  readonly #poolSize: number;
  readonly #queueLimit: number;
  readonly #entry = workerEntry();
  readonly #workers = new Set<Worker>();
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job & { id: number }>();
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: OpaquePoolOptions) {
    this.#serverSetup = options.serverSetup;
    this.#poolSize = options.poolSize ?? DEFAULT_OPAQUE_POOL_SIZE;
    this.#queueLimit = options.queueLimit ?? DEFAULT_OPAQUE_QUEUE_LIMIT;
    if (!Number.isInteger(this.#poolSize) || this.#poolSize < 1) throw new RangeError("poolSize must be ≥ 1");
    if (!Number.isInteger(this.#queueLimit) || this.#queueLimit < 0) throw new RangeError("queueLimit must be ≥ 0");
  }

  /** Runs `task` on a worker; rejects with RATE_LIMITED (2002) when every worker is busy and the queue is full. */
  run(task: OpaqueWorkerTask): Promise<OpaqueWorkerResponse> {
    if (this.#closed) return Promise.reject(serviceUnavailable("Password service is shutting down"));
    return new Promise((resolve, reject) => {
      const job: Job = { task, resolve, reject };
      const worker = this.#idle.pop() ?? (this.#workers.size < this.#poolSize ? this.#spawn() : undefined);
      if (worker !== undefined) this.#start(worker, job);
      else if (this.#queue.length < this.#queueLimit) this.#queue.push(job);
      else reject(rateLimited(RETRY_AFTER_MS, "Too many password checks in progress, retry shortly"));
    });
  }

  stats(): OpaquePoolStats {
    return { workers: this.#workers.size, running: this.#busy.size, queued: this.#queue.length };
  }

  /** Fails queued work, stops every worker (running work fails too) and refuses new work. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(serviceUnavailable("Password service is shutting down"));
    await Promise.all([...this.#workers].map((worker) => worker.terminate()));
  }

  #spawn(): Worker {
    // Workers are started lazily: a server that never checks a password never pays for them.
    const worker = new Worker(this.#entry.url, {
      workerData: { serverSetup: this.#serverSetup },
      execArgv: this.#entry.execArgv,
    });
    let failure: unknown;
    worker.on("message", (response: OpaqueWorkerResponse) => this.#finished(worker, response));
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", () => this.#exited(worker, failure));
    this.#workers.add(worker);
    return worker;
  }

  #start(worker: Worker, job: Job): void {
    const id = this.#nextId++;
    this.#busy.set(worker, { ...job, id });
    // An idle worker must not keep the process alive; a busy one must, until its answer arrives.
    worker.ref();
    const request: OpaqueWorkerRequest = { ...job.task, id };
    worker.postMessage(request);
  }

  #finished(worker: Worker, response: OpaqueWorkerResponse): void {
    const job = this.#busy.get(worker);
    if (job === undefined || job.id !== response.id) return;
    this.#busy.delete(worker);
    if (response.ok) job.resolve(response);
    else job.reject(internal(`OPAQUE ${job.task.op} failed: ${response.reason}`));
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#start(worker, next);
    } else {
      worker.unref();
      this.#idle.push(worker);
    }
  }

  #exited(worker: Worker, failure: unknown): void {
    this.#workers.delete(worker);
    const idleAt = this.#idle.indexOf(worker);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    const job = this.#busy.get(worker);
    this.#busy.delete(worker);
    if (job !== undefined) {
      job.reject(
        this.#closed
          ? serviceUnavailable("Password service is shutting down")
          : internal("OPAQUE worker stopped", failure),
      );
    }
    // Keep the queue moving with a replacement worker.
    const next = this.#closed ? undefined : this.#queue.shift();
    if (next !== undefined) this.#start(this.#spawn(), next);
  }
}
