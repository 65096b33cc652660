// Best-effort audit rows for rejected calls (08 §4.5): no transaction exists to carry them, so they
// queue here (bounded) and are written in batches every 5 s or at 100 rows, retried, and flushed at
// shutdown. Overflow or a final failure logs AUDIT_WRITE_FAILED with the (already redacted) entry.
import type { AuditEntry } from "./audit-entry.js";

export interface RejectedAuditQueueOptions {
  write(entries: readonly AuditEntry[]): Promise<void>;
  /** Called for each entry that is dropped; `reason` says why. */
  onDropped(entry: AuditEntry, reason: "overflow" | "write_failed", error?: unknown): void;
  capacity?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Write attempts per batch before its entries are dropped. */
  attempts?: number;
}

export class RejectedAuditQueue {
  readonly #pending: AuditEntry[] = [];
  readonly #capacity: number;
  readonly #batchSize: number;
  readonly #attempts: number;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;
  #failures = 0;

  constructor(private readonly options: RejectedAuditQueueOptions) {
    this.#capacity = options.capacity ?? 10_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#attempts = options.attempts ?? 3;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 5_000);
    this.#timer.unref();
  }

  /** Entries dropped so far (overflow or final write failure); the metric reads this. */
  get failures(): number {
    return this.#failures;
  }

  get size(): number {
    return this.#pending.length;
  }

  enqueue(entry: AuditEntry): void {
    if (this.#pending.length >= this.#capacity) {
      this.#drop(entry, "overflow");
      return;
    }
    this.#pending.push(entry);
    if (this.#pending.length >= this.#batchSize) void this.flush();
  }

  /** Writes everything queued so far; concurrent callers share one run. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Stops the timer and writes what is left (shutdown, COMPONENTS_SHUTTING_DOWN). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    // Entries queued while the last run was writing.
    if (this.#pending.length > 0) await this.flush();
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#batchSize);
      let lastError: unknown;
      let written = false;
      for (let attempt = 0; attempt < this.#attempts && !written; attempt++) {
        try {
          await this.options.write(batch);
          written = true;
        } catch (error) {
          lastError = error;
        }
      }
      if (!written) for (const entry of batch) this.#drop(entry, "write_failed", lastError);
    }
  }

  #drop(entry: AuditEntry, reason: "overflow" | "write_failed", error?: unknown): void {
    this.#failures += 1;
    this.options.onDropped(entry, reason, error);
  }
}
