// Runs one async task on a fixed interval without overlap: a slow tick delays the next instead of
// stacking, timers are unref'd so they never keep the process alive, and stop waits for the tick in flight.

export class PeriodicTask {
  readonly #run: () => Promise<unknown>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = true;

  constructor(run: () => Promise<unknown>, intervalMs: number) {
    this.#run = run;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    // A tick still finishing from before a stop schedules the next one itself.
    if (this.#inFlight === undefined) this.#schedule();
  }

  /** Cancels the next tick and resolves once the current one (if any) has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#stopped) return;
    // setTimeout after each tick rather than setInterval: ticks never overlap.
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#run()
        .then(
          () => undefined,
          () => undefined, // the tasks log their own errors; a rejection must not kill the schedule
        )
        .finally(() => {
          this.#inFlight = undefined;
          this.#schedule();
        });
    }, this.#intervalMs);
    this.#timer.unref();
  }
}
