// The playback background workers of one node (07 §14, seed rule 03 §3.5), started by the composition
// root on every node — never behind leader election — and stopped before the database closes.
import type { Logger } from "pino";
import type { Clock } from "../../../infra/clock.js";
import type { Database } from "../../../infra/db/database.js";
import type { ProbeFetcher } from "../../../media/probe/index.js";
import type { ConnectionRuntime } from "../../realtime-runtime/connection-runtime.js";
import type { RuntimeSettingsSource } from "../../settings/runtime-settings.js";
import { AUTO_ADVANCE_INTERVAL_MS, type AutoAdvancer, AutoAdvanceWorker } from "./auto-advance-worker.js";
import { DURATION_PROBE_INTERVAL_MS, type DurationAvailable, DurationProbeWorker } from "./duration-probe-worker.js";
import { PeriodicTask } from "./periodic-task.js";

export interface PlaybackWorkersOptions {
  database: Database;
  /** This node's realtime connections; the only source of "which rooms to work on". */
  runtime: ConnectionRuntime;
  transitions: AutoAdvancer;
  settings: RuntimeSettingsSource;
  /** HTTP for duration probes, with the SSRF hook (`createHttpProbeClient({ checkTarget })`). */
  probeFetcher: ProbeFetcher;
  clock: Clock;
  log: Logger;
  onDurationAvailable?: (event: DurationAvailable) => void | Promise<void>;
  /** Overrides for tests; default 30 s and 1 s (07 §14.1, §14.2). */
  probeIntervalMs?: number;
  autoAdvanceIntervalMs?: number;
}

export class PlaybackWorkers {
  readonly durationProbe: DurationProbeWorker;
  readonly autoAdvance: AutoAdvanceWorker;
  readonly #tasks: PeriodicTask[];

  constructor(options: PlaybackWorkersOptions) {
    const { database, runtime, clock } = options;
    this.durationProbe = new DurationProbeWorker({
      database,
      runtime,
      clock,
      fetcher: options.probeFetcher,
      log: options.log.child({ component: "duration-probe" }),
      ...(options.onDurationAvailable ? { onDurationAvailable: options.onDurationAvailable } : {}),
    });
    this.autoAdvance = new AutoAdvanceWorker({
      database,
      runtime,
      clock,
      transitions: options.transitions,
      settings: options.settings,
      log: options.log.child({ component: "auto-advance" }),
    });
    this.#tasks = [
      new PeriodicTask(() => this.durationProbe.tick(), options.probeIntervalMs ?? DURATION_PROBE_INTERVAL_MS),
      new PeriodicTask(() => this.autoAdvance.tick(), options.autoAdvanceIntervalMs ?? AUTO_ADVANCE_INTERVAL_MS),
    ];
  }

  start(): void {
    for (const task of this.#tasks) task.start();
  }

  /** Stops scheduling and waits for ticks in flight, so no query runs after the database closes. */
  async stop(): Promise<void> {
    // Probes can take 20 s each; abort them rather than hold shutdown for a batch of network calls.
    this.durationProbe.cancel();
    await Promise.all(this.#tasks.map((task) => task.stop()));
  }
}
