// Auto-advance for the rooms this node serves (07 §14.2, seed rule 03 §3.5): every second, find local
// active rooms whose regular source has reached its end and hand each to the shared, version-guarded
// transition. Racing nodes are resolved by that guard, never by presence data or a leader.
import type { Logger } from "pino";
import type { Clock } from "../../../infra/clock.js";
import type { Database } from "../../../infra/db/database.js";
import { SqlState, sqlStateOf } from "../../../infra/db/sql-state.js";
import { cryptoRandom, type Random } from "../../../infra/random.js";
import { activeRoomList, type ConnectionRuntime } from "../../realtime-runtime/connection-runtime.js";
import { readRoomSettings } from "../../rooms/room-settings-document.js";
import type { RuntimeSettingsSource } from "../../settings/runtime-settings.js";
import { autoAdvanceDue } from "../timeline/index.js";
import { type AutoAdvanceCandidate, readAutoAdvanceCandidates } from "./auto-advance-candidates.js";

export const AUTO_ADVANCE_INTERVAL_MS = 1000;
/** Serialization failures are retried this often, re-checking the room each time (07 §14.2). */
const MAX_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 5;

/** The guards the worker observed; the transition acts only if the room still matches them. */
export interface ObservedPlayback {
  version: number;
  generation: number;
}

export type AutoAdvanceOutcome = "advanced" | "conflict" | "ended";

/** The one playback transition for auto-advance (`PlaybackTransitions.autoAdvance`, 03 §3.2). */
export interface AutoAdvancer {
  autoAdvance(roomId: number, observed: ObservedPlayback): Promise<AutoAdvanceOutcome>;
}

export interface AutoAdvanceWorkerOptions {
  database: Database;
  runtime: ConnectionRuntime;
  transitions: AutoAdvancer;
  /** For the room settings defaults; `autoPlay.enabled` itself is per room. */
  settings: RuntimeSettingsSource;
  clock: Clock;
  log: Logger;
  /** Jitter of the retry backoff. */
  random?: Random;
  /** Backoff between serialization retries; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface AutoAdvanceTick {
  due: number;
  outcomes: Partial<Record<AutoAdvanceOutcome | "error", number>>;
}

export class AutoAdvanceWorker {
  readonly #o: AutoAdvanceWorkerOptions;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: AutoAdvanceWorkerOptions) {
    this.#o = options;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** One pass over this node's active rooms. Never throws: errors are logged and the next tick retries. */
  async tick(): Promise<AutoAdvanceTick> {
    const result: AutoAdvanceTick = { due: 0, outcomes: {} };
    const roomIds = activeRoomList(this.#o.runtime);
    if (roomIds.length === 0) return result;
    let due: AutoAdvanceCandidate[];
    try {
      due = (await readAutoAdvanceCandidates(this.#o.database.db, roomIds)).filter((c) => this.#isDue(c));
    } catch (err) {
      this.#o.log.warn({ err }, "auto-advance: reading candidates failed");
      return result;
    }
    result.due = due.length;
    // One room at a time: each transition is a short transaction, and a tick rarely has more than a few.
    for (const candidate of due) {
      const outcome = await this.#advance(candidate);
      result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
    }
    return result;
  }

  #isDue(candidate: AutoAdvanceCandidate): boolean {
    const enabled = readRoomSettings(candidate.settings, this.#o.settings.current()).autoPlay.enabled;
    return enabled && autoAdvanceDue(candidate.timeline, candidate.durationSeconds, this.#o.clock.now());
  }

  async #advance(first: AutoAdvanceCandidate): Promise<AutoAdvanceOutcome | "error"> {
    let candidate: AutoAdvanceCandidate | undefined = first;
    for (let attempt = 1; ; attempt++) {
      const { version, generation } = candidate.timeline;
      try {
        // "conflict" means another node or a user acted first on what we observed: skip silently.
        return await this.#o.transitions.autoAdvance(candidate.roomId, { version, generation });
      } catch (err) {
        if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) {
          this.#o.log.warn({ err, room_id: candidate.roomId }, "auto-advance: transition failed");
          return "error";
        }
      }
      const backoff = BACKOFF_BASE_MS * 2 ** (attempt - 1);
      await this.#sleep(backoff + (this.#o.random ?? cryptoRandom).int(0, backoff + 1));
      candidate = await this.#reread(candidate.roomId);
      if (candidate === undefined) return "conflict";
    }
  }

  /** The room again, if it is still due; a retry must not act on a state that moved on. */
  async #reread(roomId: number): Promise<AutoAdvanceCandidate | undefined> {
    const [again] = await readAutoAdvanceCandidates(this.#o.database.db, [roomId]).catch(() => []);
    return again !== undefined && this.#isDue(again) ? again : undefined;
  }
}

function isRetryable(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state === SqlState.serializationFailure || state === SqlState.deadlockDetected;
}
