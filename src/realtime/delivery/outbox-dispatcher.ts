// Drains realtime_outbox onto the room event bus (06 §4.4, §4.5 step 3): woken by NOTIFY and by
// polling, it claims rows under this node's lease, publishes them, marks them sent or retries them.
import type { Logger } from "pino";
import { type Clock, systemClock } from "../../infra/clock.js";
import type { Database } from "../../infra/db/database-port.js";
import { outboxNotifyChannel, type RoomEventEnvelope } from "../../infra/db/events/room-event-log.js";
import {
  claimOutboxBatch,
  completeOutboxRows,
  failOutboxRow,
  type OutboxRow,
  outboxClaimBatchSize,
  requeueStaleOutboxRows,
} from "../../infra/db/outbox/realtime-outbox-queue.js";
import { OutboxStatus } from "../../infra/db/schema/index.js";
import type { RoomEventBus } from "./room-event-bus.js";

export const outboxIdlePollMs = 1_000;
export const outboxBusyPollMs = 50;
export const outboxStaleSweepMs = 60_000;
/** 08 §7.4: a publish that has not finished by then counts as failed. */
export const outboxPublishTimeoutMs = 15_000;

export interface OutboxDispatcherOptions {
  database: Database;
  bus: RoomEventBus;
  /** The lease owner written to `locked_by`, e.g. `node-a/outbox`. */
  workerId: string;
  log: Logger;
  clock?: Clock;
  batchSize?: number;
  idlePollMs?: number;
  busyPollMs?: number;
  staleSweepMs?: number;
  publishTimeoutMs?: number;
}

export class OutboxDispatcher {
  readonly #database: Database;
  readonly #bus: RoomEventBus;
  readonly #workerId: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #batchSize: number;
  readonly #idlePollMs: number;
  readonly #busyPollMs: number;
  readonly #staleSweepMs: number;
  readonly #publishTimeoutMs: number;

  #running = false;
  #starting: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  /** A NOTIFY arrived while a batch was running: claim again without waiting. */
  #wakeRequested = false;
  #wakeUp: (() => void) | undefined;

  constructor(options: OutboxDispatcherOptions) {
    this.#database = options.database;
    this.#bus = options.bus;
    this.#workerId = options.workerId;
    this.#log = options.log;
    this.#clock = options.clock ?? systemClock;
    this.#batchSize = options.batchSize ?? outboxClaimBatchSize;
    this.#idlePollMs = options.idlePollMs ?? outboxIdlePollMs;
    this.#busyPollMs = options.busyPollMs ?? outboxBusyPollMs;
    this.#staleSweepMs = options.staleSweepMs ?? outboxStaleSweepMs;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? outboxPublishTimeoutMs;
  }

  /** Listens for new rows and starts the dispatch loop and the stale-lease sweep; idempotent. */
  start(): Promise<void> {
    if (this.#running) return this.#starting ?? Promise.resolve();
    this.#running = true;
    this.#starting = this.#listen();
    this.#loop = this.#runLoop();
    this.#sweepTimer = setInterval(() => {
      this.#sweeping ??= this.sweepStaleLeases().then(() => {
        this.#sweeping = undefined;
      });
    }, this.#staleSweepMs);
    this.#sweepTimer.unref();
    return this.#starting;
  }

  /**
   * Stops claiming and resolves once the batch in flight is published and marked, so no query
   * runs after the database closes. Rows it never claimed stay pending for any other node.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#sweepTimer);
    this.#wake();
    await this.#starting;
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    await Promise.allSettled([this.#loop, this.#sweeping, unlisten?.()]);
  }

  /**
   * Claims one batch, publishes it in event order and marks it; returns how many rows it claimed.
   * No transaction is open while publishing: each step is its own statement.
   */
  async dispatchBatch(): Promise<number> {
    const rows = await claimOutboxBatch(this.#database.db, {
      workerId: this.#workerId,
      now: this.#clock.now(),
      limit: this.#batchSize,
    });
    if (rows.length === 0) return 0;
    // Claim order follows created_at, stamped before the room's event-order lock; `sequence` is
    // assigned under it, so it is the commit order within each room.
    rows.sort((a, b) => eventSequence(a) - eventSequence(b));
    const sent: string[] = [];
    for (const row of rows) {
      try {
        await withTimeout(this.#bus.publish(row.payload as RoomEventEnvelope), this.#publishTimeoutMs);
        sent.push(row.id);
      } catch (error) {
        await this.#recordFailure(row, error);
      }
    }
    if (sent.length > 0) {
      const completed = await completeOutboxRows(this.#database.db, {
        ids: sent,
        workerId: this.#workerId,
        now: this.#clock.now(),
      });
      if (completed.length < sent.length) {
        // Our lease was requeued meanwhile; another dispatcher may publish these again (receivers dedupe).
        this.#log.warn({ lost: sent.length - completed.length }, "outbox leases lost before completion");
      }
    }
    return rows.length;
  }

  /** Requeues rows whose dispatcher died mid-batch (lease older than 120 s); any node may run it. */
  async sweepStaleLeases(): Promise<number> {
    try {
      const requeued = await requeueStaleOutboxRows(this.#database.db, { now: this.#clock.now() });
      if (requeued > 0) this.#log.warn({ requeued }, "requeued realtime outbox rows with expired leases");
      return requeued;
    } catch (err) {
      this.#log.warn({ err }, "realtime outbox stale-lease sweep failed");
      return 0;
    }
  }

  async #listen(): Promise<void> {
    try {
      const unlisten = await this.#database.listen(outboxNotifyChannel, () => this.#wake());
      if (this.#running) this.#unlisten = unlisten;
      else await unlisten();
    } catch (err) {
      // Polling still delivers every row, one idle interval later.
      this.#log.warn({ err }, "LISTEN realtime_outbox_new failed; the outbox dispatcher polls only");
    }
  }

  async #runLoop(): Promise<void> {
    while (this.#running) {
      this.#wakeRequested = false;
      let claimed = 0;
      try {
        claimed = await this.dispatchBatch();
      } catch (err) {
        this.#log.warn({ err }, "realtime outbox dispatch failed; retrying");
      }
      if (!this.#running) return;
      await this.#pause(claimed >= this.#batchSize ? this.#busyPollMs : this.#idlePollMs);
    }
  }

  #pause(ms: number): Promise<void> {
    if (this.#wakeRequested || !this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#wakeUp = done;
    });
  }

  #wake(): void {
    if (this.#wakeUp !== undefined) this.#wakeUp();
    else this.#wakeRequested = true;
  }

  async #recordFailure(row: OutboxRow, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      const failed = await failOutboxRow(this.#database.db, {
        id: row.id,
        workerId: this.#workerId,
        now: this.#clock.now(),
        error: message,
      });
      if (failed === null) return;
      const fields = { event_id: row.id, attempts: failed.attempts, err: error };
      if (failed.status === OutboxStatus.dead) {
        this.#log.error(fields, "OUTBOX_DEAD: realtime outbox row gave up after the last attempt");
      } else {
        this.#log.warn({ ...fields, next_retry_at: failed.nextRetryAt }, "realtime outbox publish failed; will retry");
      }
    } catch (err) {
      // The lease expires and the stale sweep requeues the row.
      this.#log.warn({ err, event_id: row.id }, "could not record a realtime outbox failure");
    }
  }
}

function eventSequence(row: OutboxRow): number {
  const sequence = row.payload["sequence"];
  return typeof sequence === "number" ? sequence : Number.MAX_SAFE_INTEGER;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`publish timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
