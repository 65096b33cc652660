// The staged shutdown of spec 08 §4.4, shared by SIGTERM/SIGINT and ManagementService.StopServer:
// READY → SHUTDOWN_REQUESTED → RUNTIME_DRAINING → CONNECTION_DRAINING → COMPONENTS_SHUTTING_DOWN →
// FINALIZING → COMPLETED | FAILED. A failing step is logged and the later steps still run (the
// database must close), and the run then ends FAILED. FORCE skips waits; a FORCE request during a
// graceful run escalates it.
import type { Clock } from "../../infra/clock.js";
import type { Logger } from "../../infra/logging/logger.js";

export type StopMode = "GRACEFUL" | "FORCE";
export type StopStage =
  | "READY"
  | "SHUTDOWN_REQUESTED"
  | "RUNTIME_DRAINING"
  | "CONNECTION_DRAINING"
  | "COMPONENTS_SHUTTING_DOWN"
  | "FINALIZING"
  | "COMPLETED"
  | "FAILED";
export type StopOutcome = "COMPLETED" | "FAILED";

export interface StopEvent {
  sequence: number;
  stage: StopStage;
  mode: StopMode;
  message: string;
  terminal: boolean;
  unixMillis: number;
}

/** What each stage does; `forced()` tells a waiting step to stop waiting. */
export interface ShutdownSteps {
  requestShutdown(): Promise<void> | void;
  drainRuntime(forced: () => boolean): Promise<void>;
  drainConnections(forced: () => boolean): Promise<void>;
  shutDownComponents(forced: () => boolean): Promise<void>;
  finalize(): Promise<void>;
  /** A FORCE request arrived during a graceful run: cut what is still waiting. */
  onForce?(): void;
}

type Step = [Exclude<StopStage, "READY" | "COMPLETED" | "FAILED">, string, () => Promise<void> | void];

export class StagedShutdown {
  readonly #events: StopEvent[] = [];
  readonly #listeners = new Set<(event: StopEvent) => void>();
  #mode: StopMode = "GRACEFUL";
  #run: Promise<StopOutcome> | undefined;

  constructor(
    private readonly steps: ShutdownSteps,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get started(): boolean {
    return this.#run !== undefined;
  }

  /** Starts the shutdown, or escalates a running graceful one to FORCE; resolves with the outcome. */
  run(mode: StopMode): Promise<StopOutcome> {
    if (this.#run !== undefined) {
      if (mode === "FORCE" && this.#mode !== "FORCE") {
        this.#mode = "FORCE";
        this.log.warn("shutdown escalated to FORCE");
        this.steps.onForce?.();
      }
      return this.#run;
    }
    this.#mode = mode;
    this.#run = this.#execute();
    return this.#run;
  }

  /** Every event so far, then each new one as it happens. Returns the unsubscribe function. */
  subscribe(listener: (event: StopEvent) => void): () => void {
    for (const event of this.#events) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #execute(): Promise<StopOutcome> {
    const forced = () => this.#mode === "FORCE";
    const s = this.steps;
    this.#emit("READY", "shutdown request accepted");
    const plan: Step[] = [
      ["SHUTDOWN_REQUESTED", "readiness 503; no new connections", () => s.requestShutdown()],
      ["RUNTIME_DRAINING", "stopping workers and background jobs", () => s.drainRuntime(forced)],
      ["CONNECTION_DRAINING", "waiting for in-flight requests and streams", () => s.drainConnections(forced)],
      ["COMPONENTS_SHUTTING_DOWN", "flushing audit, closing the store", () => s.shutDownComponents(forced)],
      ["FINALIZING", "closing the database", () => s.finalize()],
    ];
    let failed = false;
    for (const [stage, message, work] of plan) {
      this.#emit(stage, message);
      try {
        await work();
      } catch (err) {
        failed = true;
        this.log.error({ err, stage }, "shutdown step failed");
      }
    }
    const outcome: StopOutcome = failed ? "FAILED" : "COMPLETED";
    this.#emit(outcome, failed ? "shutdown finished with errors" : "shutdown complete");
    return outcome;
  }

  #emit(stage: StopStage, message: string): void {
    const event: StopEvent = {
      sequence: this.#events.length + 1,
      stage,
      mode: this.#mode,
      message,
      terminal: stage === "COMPLETED" || stage === "FAILED",
      unixMillis: this.clock.now(),
    };
    this.#events.push(event);
    this.log.info({ stage, mode: this.#mode, sequence: event.sequence }, `shutdown: ${stage}`);
    for (const listener of this.#listeners) listener(event);
  }
}

/** The events of `shutdown` as an async iterable that ends after the terminal event. */
export function stopEvents(shutdown: StagedShutdown, signal?: AbortSignal): AsyncIterable<StopEvent> {
  return {
    async *[Symbol.asyncIterator]() {
      const queue: StopEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = shutdown.subscribe((event) => {
        queue.push(event);
        wake?.();
      });
      const onAbort = () => wake?.();
      signal?.addEventListener("abort", onAbort);
      try {
        for (;;) {
          const event = queue.shift();
          if (event !== undefined) {
            yield event;
            if (event.terminal) return;
            continue;
          }
          if (signal?.aborted) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}
