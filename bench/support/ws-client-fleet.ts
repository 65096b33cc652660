// The parent side of the realtime benchmark clients: forks N ws-client-worker.ts processes, splits
// connection targets between them round-robin and merges their reports.
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { type LatencySummary, summarizeHistograms } from "./latency-histogram.js";
import { repoRoot } from "./synctv-process.js";
import type { ConnectionTarget, DeliveryReport, OpenReport, WorkerCommand } from "./ws-client-worker.js";

export interface FleetOpenResult {
  ready: number;
  failed: number;
  errors: string[];
  seconds: number;
}

export interface FleetDelivery {
  delivered: number;
  outsideWindow: number;
  unmarked: number;
  closes: Record<string, number>;
  latency: LatencySummary;
  frameBytes: number;
}

/** 127.0.0.2 … 127.0.0.(1+count): source addresses to spread sockets over (loopback /8 needs no setup). */
export function loopbackSources(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${2 + i}`);
}

export class ClientFleet {
  private constructor(private readonly workers: ChildProcess[]) {}

  static async start(processes: number): Promise<ClientFleet> {
    const workers = Array.from({ length: processes }, () =>
      fork(join(repoRoot, "bench/support/ws-client-worker.ts"), [], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    await Promise.all(workers.map((w) => nextMessage(w, "started")));
    return new ClientFleet(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Opens every target (spread over the workers); resolves when each is ready or failed. */
  async open(
    host: string,
    port: number,
    targets: readonly ConnectionTarget[],
    options: { concurrencyPerWorker: number; afterWelcome?: { send: string; readyWhen: string } },
  ): Promise<FleetOpenResult> {
    const shares: ConnectionTarget[][] = this.workers.map(() => []);
    for (const [i, t] of targets.entries()) shares[i % shares.length]?.push(t);
    const started = performance.now();
    const reports = await Promise.all(
      this.workers.map((w, i) => {
        const command: WorkerCommand = {
          type: "open",
          host,
          port,
          targets: shares[i] ?? [],
          concurrency: options.concurrencyPerWorker,
          ...(options.afterWelcome ? { afterWelcome: options.afterWelcome } : {}),
        };
        w.send(command);
        return nextMessage<OpenReport>(w, "opened");
      }),
    );
    return {
      ready: reports.reduce((n, r) => n + r.ready, 0),
      failed: reports.reduce((n, r) => n + r.failed, 0),
      errors: reports.flatMap((r) => r.errors).slice(0, 10),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Counts only frames whose embedded send time lies in [start, end); resets the counters. */
  setWindow(startMicros: number, endMicros: number): void {
    for (const w of this.workers) w.send({ type: "window", startMicros, endMicros } satisfies WorkerCommand);
  }

  async report(): Promise<FleetDelivery> {
    const reports = await Promise.all(
      this.workers.map((w) => {
        w.send({ type: "report" } satisfies WorkerCommand);
        return nextMessage<DeliveryReport>(w, "report");
      }),
    );
    const closes: Record<string, number> = {};
    for (const r of reports) for (const [code, n] of Object.entries(r.closes)) closes[code] = (closes[code] ?? 0) + n;
    return {
      delivered: reports.reduce((n, r) => n + r.delivered, 0),
      outsideWindow: reports.reduce((n, r) => n + r.outsideWindow, 0),
      unmarked: reports.reduce((n, r) => n + r.unmarked, 0),
      closes,
      latency: summarizeHistograms(reports.map((r) => r.latency)),
      frameBytes: Math.max(...reports.map((r) => r.frameBytes)),
    };
  }

  /** Closes every socket and ends the workers. */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.exitCode !== null) return;
        const exited = once(w, "exit");
        w.send({ type: "close" } satisfies WorkerCommand);
        const timer = setTimeout(() => w.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

function nextMessage<T extends { type: string }>(worker: ChildProcess, type: T["type"]): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`client worker exited with ${code} while waiting for "${type}"`));
    };
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("exit", onExit);
  });
}
