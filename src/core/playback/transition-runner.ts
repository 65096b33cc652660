// The one write path of the playback timeline (spec 03 §3.2, 02 §2.7–2.8, 06 §4.1): every transition —
// HTTP, gRPC, WebSocket, CLI and the auto-advance worker — runs here. One attempt = one transaction:
// access gate, idempotency lookup, read the state with its version, guards, plan (pure timeline math
// plus reads), compare-and-set, source-change side effects (progress, history, cursor), one durable
// event, idempotency record. Client guards fail fast (ABORTED, never retried); unguarded writes retry
// the CAS up to 5 times with 5 ms × 2ⁿ full-jitter backoff.
import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { Actor } from "../actor.js";
import type { ChatSourceRef } from "../chat/chat-message-view.js";
import { AppCode, conflict, DomainError, isDomainError, notFound } from "../errors.js";
import type { Permission } from "../permissions/index.js";
import { type RoomContext, requirePermission } from "../rooms/room-access.js";
import type { RoomSettingsDocument } from "../rooms/room-settings-document.js";
import {
  actorKeyOf,
  findOperationResult,
  type OperationKey,
  type PlaybackOperationKind,
  recordOperationResult,
} from "./operation-idempotency.js";
import type { PlaybackDeps } from "./playback-deps.js";
import {
  historyRowJson,
  type PlaybackStateEventType,
  playbackHistoryEvent,
  playbackStateEvent,
  type SourceChangeReason,
} from "./playback-events.js";
import {
  appendHistoryEntry,
  type HistoryRow,
  type NewHistoryEntry,
  refOf,
  saveHistoryPosition,
} from "./playback-history-repository.js";
import { clampPosition, saveProgress } from "./playback-progress.js";
import {
  compareAndSetState,
  currentStateVersion,
  readPlaybackState,
  type StoredPlaybackState,
  setHistoryCursor,
} from "./playback-state-repository.js";
import { type HistoryRef, type PlaybackStateView, stateFromJson, stateToJson } from "./playback-view.js";
import { positionAt, schedulingLeadMs, type TimelineState } from "./timeline/index.js";

export const CAS_ATTEMPTS = 5;
const CAS_BASE_DELAY_MS = 5;

/** Who performs a transition: an actor through the access gate, or the system (auto-advance worker). */
export type Performer = { kind: "actor"; actor: Actor } | { kind: "system" };

/** What a client says it last saw; static items never carry a playlist in the state (06 §3.3). */
export interface ExpectedSource {
  mediaId: number | null;
  playlistId: number | null;
  targetHash: string;
}

export interface PlanInput {
  tx: DbTransaction;
  roomId: number;
  /** Null for the system performer. */
  ctx: RoomContext | null;
  settings: RoomSettingsDocument;
  stored: StoredPlaybackState;
  nowMs: number;
  leadMs: number;
}

export type HistoryStep = { append: NewHistoryEntry } | { resume: HistoryRow };

export type Plan =
  /** Nothing to write (stop with nothing playing, a worker that finds the room no longer due). */
  | { kind: "unchanged" }
  /** PLAY/PAUSE/SEEK/SPEED and the REPEAT_ONE restart: same source. */
  | { kind: "timeline"; next: TimelineState; saveProgress: boolean; eventType?: PlaybackStateEventType }
  | { kind: "source"; next: TimelineState; reason: SourceChangeReason; history: HistoryStep }
  | { kind: "stop"; next: TimelineState };

export interface TransitionSpec {
  roomId: number;
  performer: Performer;
  permissions: readonly Permission[];
  operation: PlaybackOperationKind | null;
  clientOperationId?: string;
  expectedVersion?: number;
  expectedSource?: ExpectedSource;
  /** The worker's guard: a mismatch or a lost CAS is a quiet "conflict", never an error. */
  observed?: { version: number; generation: number };
  plan(input: PlanInput): Promise<Plan>;
}

export type TransitionOutcome =
  | { status: "applied"; view: PlaybackStateView; plan: Plan["kind"] }
  | { status: "unchanged"; view: PlaybackStateView }
  | { status: "conflict" };

/** An attempt lost its compare-and-set (or its idempotency key) and should run again. */
class AttemptLost extends Error {}

export class TransitionRunner {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #leadMs: (roomId: number) => number;

  constructor(private readonly deps: PlaybackDeps) {
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#leadMs = deps.leadMs ?? (() => schedulingLeadMs([]));
  }

  async run(spec: TransitionSpec): Promise<TransitionOutcome> {
    try {
      return await this.#loop(spec);
    } catch (error) {
      throw withOperationId(error, spec.clientOperationId);
    }
  }

  async #loop(spec: TransitionSpec): Promise<TransitionOutcome> {
    // Guarded writes (client version or the worker's observation) get exactly one attempt.
    const attempts = spec.expectedVersion !== undefined || spec.observed !== undefined ? 1 : CAS_ATTEMPTS;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await this.#sleep(this.#backoff(attempt));
      try {
        return await this.deps.writer.run((tx, events) => this.#attempt(spec, tx, events));
      } catch (error) {
        if (!(error instanceof AttemptLost)) throw error;
        if (spec.observed !== undefined) return { status: "conflict" };
      }
    }
    const current = await currentStateVersion(this.deps.database.db, spec.roomId);
    throw versionConflict(current ?? 0);
  }

  async #attempt(spec: TransitionSpec, tx: DbTransaction, events: RoomEventRecorder): Promise<TransitionOutcome> {
    const nowMs = this.deps.clock.now();
    const entered = await this.#enter(spec, tx);
    if (entered === null) return { status: "conflict" };
    const { ctx, settings } = entered;

    const key = operationKey(spec);
    if (key) {
      const first = await findOperationResult(tx, key, nowMs);
      if (first) return { status: "applied", view: stateFromJson(first, nowMs), plan: "unchanged" };
    }

    const stored = await readPlaybackState(tx, spec.roomId);
    if (!stored) throw notFound("Room not found");
    const seen = stored.timeline;
    if (spec.observed && (seen.version !== spec.observed.version || seen.generation !== spec.observed.generation)) {
      return { status: "conflict" };
    }
    if (spec.expectedVersion !== undefined && seen.version !== spec.expectedVersion)
      throw versionConflict(seen.version);
    if (spec.expectedSource && !sameSource(seen, spec.expectedSource)) throw sourceChanged(seen.version);

    const plan = await spec.plan({
      tx,
      roomId: spec.roomId,
      ctx,
      settings,
      stored,
      nowMs,
      leadMs: this.#leadMs(spec.roomId),
    });
    const opId = spec.clientOperationId ?? "";
    if (plan.kind === "unchanged") {
      if (spec.observed) return { status: "conflict" };
      return { status: "unchanged", view: viewOf(spec.roomId, seen, stored.historyCursor, opId, nowMs) };
    }

    const version = await compareAndSetState(tx, spec.roomId, seen.version, plan.next);
    if (version === null) {
      if (spec.expectedVersion !== undefined) throw versionConflict(await this.#current(tx, spec.roomId, seen.version));
      throw new AttemptLost();
    }
    const actorUserId = actorUserIdOf(spec.performer);
    const cursor = await this.#sideEffects(tx, events, spec.roomId, stored, plan, nowMs, actorUserId);
    const view = viewOf(spec.roomId, { ...plan.next, version }, cursor, opId, nowMs);
    await events.append(playbackStateEvent(view, eventTypeOf(plan), actorUserId, summaryOf(plan)));

    if (key && !(await recordOperationResult(tx, key, stateToJson(view), nowMs))) throw new AttemptLost();
    return { status: "applied", view, plan: plan.kind };
  }

  /** The access gate inside the write's transaction (strong check: member row FOR SHARE, 04 §9.6). */
  async #enter(
    spec: TransitionSpec,
    tx: DbTransaction,
  ): Promise<{ ctx: RoomContext | null; settings: RoomSettingsDocument } | null> {
    if (spec.performer.kind === "actor") {
      const ctx = await this.deps.access.enter(spec.performer.actor, spec.roomId, { db: tx, lockMember: "share" });
      for (const permission of spec.permissions) requirePermission(ctx, permission);
      return { ctx, settings: ctx.state.settings };
    }
    try {
      // The worker acts for the room: a room that became deleted, banned or closed is simply skipped.
      const state = await this.deps.access.roomGates({ kind: "management" }, spec.roomId, { db: tx });
      return { ctx: null, settings: state.settings };
    } catch (error) {
      if (isDomainError(error)) return null;
      throw error;
    }
  }

  /** Progress, history and cursor for source changes and stops; the new cursor. */
  async #sideEffects(
    tx: DbTransaction,
    events: RoomEventRecorder,
    roomId: number,
    stored: StoredPlaybackState,
    plan: Exclude<Plan, { kind: "unchanged" }>,
    nowMs: number,
    actorUserId: number | null,
  ): Promise<HistoryRef | null> {
    const current = stored.timeline;
    if (plan.kind === "timeline") {
      if (plan.saveProgress) await saveProgress(tx, roomId, current.source, plan.next.position);
      return stored.historyCursor;
    }
    // Leaving a source: its final position goes to its progress row and to the history entry that was current.
    const leftAt = clampPosition(positionAt(current, nowMs));
    await saveProgress(tx, roomId, current.source, leftAt);
    const previous = stored.historyCursor ? await saveHistoryPosition(tx, roomId, stored.historyCursor, leftAt) : null;

    if (plan.kind === "stop") {
      await setHistoryCursor(tx, roomId, null);
      if (previous)
        await events.append(playbackHistoryEvent(roomId, "history.updated", actorUserId, historyRowJson(previous)));
      return null;
    }
    const entry = "append" in plan.history ? await appendHistoryEntry(tx, plan.history.append) : plan.history.resume;
    const cursor = refOf(entry);
    await setHistoryCursor(tx, roomId, cursor);
    await this.deps.chat?.playbackChanged(tx, events, {
      roomId,
      from: sourceRefOf(current, previous),
      to: {
        mediaId: entry.mediaId,
        playlistId: entry.playlistId,
        targetHash: entry.targetHash,
        name: entry.mediaName,
      },
      reason: plan.reason,
      actorUserId,
    });
    await events.append(
      playbackHistoryEvent(roomId, "append" in plan.history ? "history.recorded" : "history.updated", actorUserId, {
        entry: historyRowJson(entry),
        previous: previous ? historyRowJson(previous) : null,
      }),
    );
    return cursor;
  }

  async #current(tx: DbTransaction, roomId: number, fallback: number): Promise<number> {
    return (await currentStateVersion(tx, roomId)) ?? fallback;
  }

  /** 5 ms × 2ⁿ with full jitter (06 §4.1 step 4). */
  #backoff(attempt: number): number {
    return this.deps.random.int(0, CAS_BASE_DELAY_MS * 2 ** attempt + 1);
  }
}

/** What was playing before a source change, for the system chat message; null when nothing was. */
function sourceRefOf(current: TimelineState, previous: HistoryRow | null): ChatSourceRef | null {
  const s = current.source;
  if (s.kind === "none") return null;
  if (s.kind === "dynamic") return { mediaId: null, playlistId: s.playlistId, targetHash: s.targetHash, name: "" };
  const name = previous !== null && previous.mediaId === s.mediaId ? previous.mediaName : "";
  return { mediaId: s.mediaId, playlistId: null, targetHash: "", name };
}

function operationKey(spec: TransitionSpec): OperationKey | null {
  if (!spec.clientOperationId || spec.operation === null || spec.performer.kind !== "actor") return null;
  return {
    roomId: spec.roomId,
    actorKey: actorKeyOf(spec.performer.actor),
    kind: spec.operation,
    clientOperationId: spec.clientOperationId,
  };
}

function viewOf(
  roomId: number,
  timeline: TimelineState,
  historyCursor: HistoryRef | null,
  clientOperationId: string,
  serverTimeMs: number,
): PlaybackStateView {
  return { roomId, timeline, historyCursor, clientOperationId, serverTimeMs };
}

function actorUserIdOf(performer: Performer): number | null {
  return performer.kind === "actor" && performer.actor.kind === "user" ? performer.actor.userId : null;
}

function eventTypeOf(plan: Exclude<Plan, { kind: "unchanged" }>): PlaybackStateEventType {
  if (plan.kind === "source") return "playback.source_changed";
  if (plan.kind === "stop") return "playback.stopped";
  return plan.eventType ?? "playback.updated";
}

function summaryOf(plan: Exclude<Plan, { kind: "unchanged" }>) {
  return plan.kind === "source" ? { reason: plan.reason } : {};
}

function sameSource(state: TimelineState, expected: ExpectedSource): boolean {
  const s = state.source;
  const mediaId = s.kind === "static" ? s.mediaId : null;
  const playlistId = s.kind === "dynamic" ? s.playlistId : null;
  const targetHash = s.kind === "dynamic" ? s.targetHash : "";
  return mediaId === expected.mediaId && playlistId === expected.playlistId && targetHash === expected.targetHash;
}

const versionConflict = (current: number) =>
  conflict("The playback state changed meanwhile", { metadata: { current_version: String(current) } });

const sourceChanged = (current: number) =>
  conflict("The playing source changed meanwhile", {
    code: AppCode.PLAYBACK_SOURCE_CHANGED,
    metadata: { current_version: String(current) },
  });

/** Errors of an operation that carried a client_operation_id echo it (02 §2.8, ErrorInfo). */
function withOperationId(error: unknown, clientOperationId: string | undefined): unknown {
  if (!clientOperationId || !(error instanceof DomainError) || error.clientOperationId !== "") return error;
  return new DomainError(error.kind, error.message, {
    code: error.code,
    metadata: error.metadata,
    fieldViolations: error.fieldViolations,
    retryAfterMs: error.retryAfterMs,
    clientOperationId,
    cause: error,
  });
}
