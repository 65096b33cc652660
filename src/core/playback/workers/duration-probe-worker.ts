// Duration probing for the rooms this node serves (07 §14.1, seed rule 03 §3.5): every 30 s, seed and
// claim metadata rows of the active rooms' current sources, probe them 4 at a time outside any
// transaction, and store each result under the claim's version fence. A failure never stops the worker.
import { inArray } from "drizzle-orm";
import type { Logger } from "pino";
import type { Clock } from "../../../infra/clock.js";
import type { Database } from "../../../infra/db/database.js";
import { media, SourceMetadataOrigin } from "../../../infra/db/schema/index.js";
import { type ProbeFetcher, probeDuration } from "../../../media/probe/index.js";
import { activeRoomList, type ConnectionRuntime } from "../../realtime-runtime/connection-runtime.js";
import { forEachWithConcurrency } from "./bounded-concurrency.js";
import {
  type ClaimedSource,
  claimProbeBatch,
  PROBE_CLAIM_LIMIT,
  type ProbeRecord,
  recordProbeResult,
  seedSourceMetadata,
} from "./duration-probe-queue.js";
import { availableRecord, recordForProbeResult, unavailableRecord } from "./probe-record.js";
import { type ClaimedMedia, probeTargetOf } from "./probe-target.js";

export const DURATION_PROBE_INTERVAL_MS = 30_000;
export const DURATION_PROBE_CONCURRENCY = 4;

/** A duration became known; the composition root turns this into the `playback` change event (07 §14.1). */
export interface DurationAvailable {
  roomId: number;
  mediaId: number | null;
  playlistId: number | null;
  durationSeconds: number;
}

export interface DurationProbeWorkerOptions {
  database: Database;
  runtime: ConnectionRuntime;
  /** HTTP for probes, built once with the SSRF hook (`createHttpProbeClient`). */
  fetcher: ProbeFetcher;
  clock: Clock;
  log: Logger;
  /** Per-probe budget; the probe module defaults to 20 s. */
  probeTimeoutMs?: number;
  concurrency?: number;
  claimLimit?: number;
  onDurationAvailable?: (event: DurationAvailable) => void | Promise<void>;
}

export interface DurationProbeTick {
  claimed: number;
  /** Results stored; the rest lost their claim to another node or failed to write. */
  recorded: number;
}

export class DurationProbeWorker {
  readonly #o: DurationProbeWorkerOptions;
  readonly #shutdown = new AbortController();

  constructor(options: DurationProbeWorkerOptions) {
    this.#o = options;
  }

  /**
   * Aborts probes in flight for shutdown. Their rows are left PENDING (no result is written), so any
   * node re-claims them when the 5-minute lease runs out. Later ticks do nothing.
   */
  cancel(): void {
    this.#shutdown.abort();
  }

  /** One pass over this node's active rooms. Never throws: errors are logged and the next tick retries. */
  async tick(): Promise<DurationProbeTick> {
    if (this.#shutdown.signal.aborted) return { claimed: 0, recorded: 0 };
    const roomIds = activeRoomList(this.#o.runtime);
    if (roomIds.length === 0) return { claimed: 0, recorded: 0 };
    let claims: ClaimedSource[];
    try {
      await seedSourceMetadata(this.#o.database.db, roomIds);
      claims = await claimProbeBatch(this.#o.database.db, {
        roomIds,
        now: this.#o.clock.now(),
        limit: this.#o.claimLimit ?? PROBE_CLAIM_LIMIT,
      });
    } catch (err) {
      this.#o.log.warn({ err }, "duration probe: claiming sources failed");
      return { claimed: 0, recorded: 0 };
    }
    if (claims.length === 0) return { claimed: 0, recorded: 0 };

    let recorded = 0;
    try {
      const mediaRows = await this.#loadMedia(claims);
      await forEachWithConcurrency(claims, this.#o.concurrency ?? DURATION_PROBE_CONCURRENCY, async (claim) => {
        if (await this.#probeOne(claim, mediaRows)) recorded++;
      });
    } catch (err) {
      // The claimed rows stay PENDING until their lease runs out; then any node retries them.
      this.#o.log.warn({ err }, "duration probe: loading claimed media failed");
    }
    return { claimed: claims.length, recorded };
  }

  async #loadMedia(claims: readonly ClaimedSource[]): Promise<Map<number, ClaimedMedia>> {
    const ids = claims.flatMap((c) => (c.mediaId === null ? [] : [c.mediaId]));
    if (ids.length === 0) return new Map();
    const rows = await this.#o.database.db
      .select({
        id: media.id,
        sourceProvider: media.sourceProvider,
        sourceConfig: media.sourceConfig,
        deletedAt: media.deletedAt,
      })
      .from(media)
      .where(inArray(media.id, ids));
    return new Map(rows.map((r) => [r.id, r]));
  }

  async #probeOne(claim: ClaimedSource, mediaRows: ReadonlyMap<number, ClaimedMedia>): Promise<boolean> {
    try {
      const record = await this.#resolve(claim, mediaRows);
      // A cancelled probe says nothing about the source; leave the row to its lease.
      if (this.#shutdown.signal.aborted) return false;
      const stored = await recordProbeResult(this.#o.database.db, claim, record);
      if (!stored) {
        this.#o.log.info({ metadata_id: claim.id }, "duration probe: claim taken over before the result was stored");
        return false;
      }
      if (record.durationSeconds !== null) await this.#announce(claim, record.durationSeconds);
      return true;
    } catch (err) {
      this.#o.log.warn({ err, metadata_id: claim.id, room_id: claim.roomId }, "duration probe: source failed");
      return false;
    }
  }

  async #resolve(claim: ClaimedSource, mediaRows: ReadonlyMap<number, ClaimedMedia>): Promise<ProbeRecord> {
    const now = () => this.#o.clock.now();
    if (claim.mediaId === null) {
      return unavailableRecord("dynamic playlist sources are probed through their provider (P2)", now());
    }
    const target = probeTargetOf(mediaRows.get(claim.mediaId) ?? null);
    switch (target.kind) {
      case "known":
        return availableRecord(target.durationSeconds, SourceMetadataOrigin.provider);
      case "unavailable":
        return unavailableRecord(target.reason, now(), target.live ? SourceMetadataOrigin.provider : null);
      case "probe": {
        // Network I/O: no transaction is open here, on purpose (06 §4.9).
        const result = await probeDuration(target.url, {
          fetcher: this.#o.fetcher,
          headers: target.headers,
          format: target.format,
          signal: this.#shutdown.signal,
          ...(this.#o.probeTimeoutMs === undefined ? {} : { timeoutMs: this.#o.probeTimeoutMs }),
        });
        return recordForProbeResult(result, now());
      }
    }
  }

  async #announce(claim: ClaimedSource, durationSeconds: number): Promise<void> {
    try {
      await this.#o.onDurationAvailable?.({
        roomId: claim.roomId,
        mediaId: claim.mediaId,
        playlistId: claim.playlistId,
        durationSeconds,
      });
    } catch (err) {
      // The duration is stored; clients still see it on their next playback read.
      this.#o.log.warn({ err, room_id: claim.roomId }, "duration probe: announcing the duration failed");
    }
  }
}
