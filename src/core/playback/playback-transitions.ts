// THE playback transitions (spec 03 §3.2–3.5, 02 §3.5): update (PLAY/PAUSE/SEEK/SPEED), start, stop,
// next/previous, play a history entry, and the worker's autoAdvance. Each one is a plan (timeline math
// from ./timeline plus library reads) handed to the single TransitionRunner write path.
// Source changes also write a SYSTEM_PLAYBACK_CHANGED chat message with the reason (in the runner).
import type { Actor } from "../actor.js";
import { AppCode, failedPrecondition, invalidArgument, isDomainError, notFound, unimplemented } from "../errors.js";
import { HistoryPartitionGate } from "./history-partition-gate.js";
import {
  assertPlaylistInRoom,
  loadPlayableMedia,
  type PlayableMedia,
  playableItemsOfScope,
  scopeOfMedia,
} from "./playable-media.js";
import type { PlaybackDeps } from "./playback-deps.js";
import type { SourceChangeReason } from "./playback-events.js";
import { findHistoryEntry, type HistoryRow, historyEntryAfter } from "./playback-history-repository.js";
import { clampPosition } from "./playback-progress.js";
import type { HistoryRef, PlaybackStateView } from "./playback-view.js";
import {
  type AdvanceTrigger,
  applyUpdate,
  autoAdvanceDue,
  MAX_POSITION_SECONDS,
  nextItem,
  type PlaybackUpdate,
  type PlayDirection,
  positionAt,
  startSource,
  stopped,
} from "./timeline/index.js";
import {
  type ExpectedSource,
  type Plan,
  type PlanInput,
  type TransitionOutcome,
  TransitionRunner,
  type TransitionSpec,
} from "./transition-runner.js";

export interface OperationOptions {
  clientOperationId?: string;
}

export interface UpdateGuards extends OperationOptions {
  expectedVersion?: number;
  expectedSource?: ExpectedSource;
}

/** StartPlayback's target: a static item (with an optional static playlist context) or a dynamic one (P2). */
export type StartSource =
  | { kind: "static"; mediaId: number; playlistId?: number | null }
  | { kind: "dynamic"; playlistId: number; target: unknown };

/** What autoAdvance did: moved (or restarted) the room, lost to someone else / no longer due, or paused at the end. */
export type AutoAdvanceResult = "advanced" | "conflict" | "ended";

export class PlaybackTransitions {
  readonly #runner: TransitionRunner;
  readonly #partitions: HistoryPartitionGate;
  readonly #random: () => number;

  constructor(private readonly deps: PlaybackDeps) {
    this.#runner = new TransitionRunner(deps);
    this.#partitions = new HistoryPartitionGate(deps.database.db);
    // [0, 1) for SHUFFLE, from the injected source so tests can pin the draw.
    this.#random = () => deps.random.int(0, 1_000_000) / 1_000_000;
  }

  /** PLAY / PAUSE / SEEK / SPEED (perm control_playback_state). PAUSE also saves the resume position. */
  async update(actor: Actor, roomId: number, update: PlaybackUpdate, guards: UpdateGuards = {}) {
    return this.#applied(
      this.#runner.run({
        roomId,
        performer: { kind: "actor", actor },
        permissions: ["control_playback_state"],
        operation: "update_playback_state",
        clientOperationId: guards.clientOperationId,
        expectedVersion: guards.expectedVersion,
        expectedSource: guards.expectedSource,
        plan: async ({ stored, nowMs, leadMs }) => ({
          kind: "timeline",
          next: applyUpdate(stored.timeline, update, { nowMs, leadMs }),
          saveProgress: update.type === "PAUSE",
        }),
      }),
    );
  }

  /** Switches to an AVAILABLE item at 0, playing (perm navigate_playback). */
  async start(
    actor: Actor,
    roomId: number,
    source: StartSource,
    reason: SourceChangeReason = "SELECTED",
    options: OperationOptions = {},
  ) {
    if (source.kind === "dynamic") throw unimplemented("Dynamic playlist targets are not available in this version");
    await this.#ensurePartitions();
    return this.#applied(
      this.#runner.run({
        ...this.#actorSpec(actor, roomId, "start_playback", options),
        permissions: ["navigate_playback"],
        plan: async (input) => {
          if (source.playlistId != null) await assertPlaylistInRoom(input.tx, roomId, source.playlistId);
          const item = await loadPlayableMedia(input.tx, roomId, source.mediaId);
          return sourcePlan(input, item, reason, { append: appendOf(input, item) });
        },
      }),
    );
  }

  /** Clears the source (perm control_playback_state); saves where it stopped. Nothing playing → unchanged. */
  async stop(actor: Actor, roomId: number, options: OperationOptions = {}) {
    return this.#applied(
      this.#runner.run({
        ...this.#actorSpec(actor, roomId, "stop_playback", options),
        permissions: ["control_playback_state"],
        plan: async ({ stored, nowMs }): Promise<Plan> => {
          if (stored.timeline.source.kind === "none") return { kind: "unchanged" };
          return { kind: "stop", next: { ...stopped(stored.timeline), anchorAt: nowMs } };
        },
      }),
    );
  }

  /** PlayNext / PlayPrevious (perm navigate_playback); nothing to move to → 3108, state unchanged. */
  async next(actor: Actor, roomId: number, trigger: AdvanceTrigger = "manual", options: OperationOptions = {}) {
    return this.#navigate(actor, roomId, "next", trigger, options);
  }

  async previous(actor: Actor, roomId: number, trigger: AdvanceTrigger = "manual", options: OperationOptions = {}) {
    return this.#navigate(actor, roomId, "previous", trigger, options);
  }

  /** Plays a history entry again from its saved position and moves the history cursor onto it. */
  async playHistoryEntry(actor: Actor, roomId: number, entry: HistoryRef, options: OperationOptions = {}) {
    await this.#ensurePartitions();
    return this.#applied(
      this.#runner.run({
        ...this.#actorSpec(actor, roomId, "play_history_entry", options),
        permissions: ["view_playback_history", "navigate_playback"],
        plan: async (input) => {
          const row = await findHistoryEntry(input.tx, roomId, entry);
          if (!row || row.mediaId === null) throw notFound("History entry not found");
          const item = await loadPlayableMedia(input.tx, roomId, row.mediaId);
          return sourcePlan(input, item, "HISTORY_ENTRY", { resume: row });
        },
      }),
    );
  }

  /**
   * For the auto-advance worker (03 §3.5, 07 §14.2): when the room is still exactly as observed
   * (version and generation, checked again by the CAS in SQL) and still due — auto-play on, REGULAR,
   * playing, within 1 s of its known duration — move to the next item per play mode (REPEAT_ONE
   * restarts at 0 without a history entry). "ended": SEQUENTIAL ran out, the room is paused at the end.
   * "conflict": another node or a member acted first, or the room is no longer due; nothing was written.
   * Two nodes racing with the same observation advance the room exactly once.
   */
  async autoAdvance(roomId: number, observed: { version: number; generation: number }): Promise<AutoAdvanceResult> {
    await this.#ensurePartitions();
    let ended = false;
    const outcome = await this.#runner.run({
      roomId,
      performer: { kind: "system" },
      permissions: [],
      operation: null,
      observed,
      plan: async (input): Promise<Plan> => {
        const { stored, settings, nowMs, leadMs } = input;
        const duration = stored.durationSeconds;
        if (!settings.autoPlay.enabled || duration === null) return { kind: "unchanged" };
        if (!autoAdvanceDue(stored.timeline, duration, nowMs)) return { kind: "unchanged" };
        const moved = await this.#advancePlan(input, "next", "auto");
        if (moved) return moved;
        ended = true;
        const end = Math.min(positionAt(stored.timeline, nowMs), duration, MAX_POSITION_SECONDS);
        return {
          kind: "timeline",
          next: applyUpdate(stored.timeline, { type: "PAUSE", position: end }, { nowMs, leadMs }),
          saveProgress: true,
        };
      },
    });
    if (outcome.status !== "applied") return "conflict";
    return ended ? "ended" : "advanced";
  }

  async #navigate(
    actor: Actor,
    roomId: number,
    direction: PlayDirection,
    trigger: AdvanceTrigger,
    options: OperationOptions,
  ) {
    await this.#ensurePartitions();
    return this.#applied(
      this.#runner.run({
        ...this.#actorSpec(actor, roomId, direction === "next" ? "play_next" : "play_previous", options),
        permissions: ["navigate_playback"],
        plan: async (input) => {
          const plan = await this.#advancePlan(input, direction, trigger);
          if (!plan) throw failedPrecondition("There is no item to move to", { code: AppCode.NO_NEXT_ITEM });
          return plan;
        },
      }),
    );
  }

  /**
   * The next source: the history cursor's next entry wins (going forward again after PlayHistoryEntry);
   * otherwise the play mode over the playable items of the current item's scope (root when nothing plays).
   * null when there is nothing to move to.
   */
  async #advancePlan(input: PlanInput, direction: PlayDirection, trigger: AdvanceTrigger): Promise<Plan | null> {
    const { tx, roomId, stored, settings } = input;
    const reason: SourceChangeReason = trigger === "auto" ? "AUTO_ADVANCE" : direction === "next" ? "NEXT" : "PREVIOUS";
    if (direction === "next" && stored.historyCursor) {
      const ahead = await historyEntryAfter(tx, roomId, stored.historyCursor);
      const item = ahead ? await playableOrNull(input, ahead) : null;
      if (ahead && item) return sourcePlan(input, item, reason, { resume: ahead });
    }
    const source = stored.timeline.source;
    const currentId = source.kind === "static" ? source.mediaId : null;
    const scope = currentId === null ? null : await scopeOfMedia(tx, roomId, currentId);
    const items = await playableItemsOfScope(tx, roomId, scope);
    const chosen = nextItem(items, currentId, settings.autoPlay.mode, this.#random, direction, trigger);
    if (chosen === null) return null;
    if (trigger === "auto" && chosen === currentId) {
      // REPEAT_ONE: the same item again from 0, no history entry (07 §14.2).
      const time = { nowMs: input.nowMs, leadMs: input.leadMs };
      return {
        kind: "timeline",
        next: applyUpdate(stored.timeline, { type: "SEEK", position: 0, playing: true }, time),
        saveProgress: false,
      };
    }
    const item = await loadPlayableMedia(tx, roomId, chosen);
    return sourcePlan(input, item, reason, { append: appendOf(input, item) });
  }

  /** History and chat rows of a source change need today's partitions; DDL runs before the transaction. */
  async #ensurePartitions(): Promise<void> {
    const now = this.deps.clock.now();
    await this.#partitions.ensure(now);
    await this.deps.chat?.prepare(now);
  }

  #actorSpec(actor: Actor, roomId: number, operation: TransitionSpec["operation"], options: OperationOptions) {
    return {
      roomId,
      performer: { kind: "actor" as const, actor },
      operation,
      clientOperationId: options.clientOperationId,
    };
  }

  /** Actor-facing operations always produce a state (idempotent replays and no-ops included). */
  async #applied(run: Promise<TransitionOutcome>): Promise<PlaybackStateView> {
    const outcome = await run;
    if (outcome.status === "conflict") throw new Error("an actor transition reported a worker conflict");
    return outcome.view;
  }
}

function sourcePlan(
  input: PlanInput,
  item: PlayableMedia,
  reason: SourceChangeReason,
  history: { append: ReturnType<typeof appendOf> } | { resume: HistoryRow },
): Plan {
  const resumeAt = "resume" in history ? clampPosition(history.resume.positionSeconds) : undefined;
  const next = startSource(
    input.stored.timeline,
    { kind: "static", mediaId: item.id, playlistId: null },
    item.playbackKind,
    {
      nowMs: input.nowMs,
      leadMs: input.leadMs,
      resumeAt,
    },
  );
  return { kind: "source", next, reason, history };
}

function appendOf(input: PlanInput, item: PlayableMedia) {
  const actor = input.ctx?.actor;
  return {
    roomId: input.roomId,
    mediaId: item.id,
    mediaName: item.name,
    playlistName: item.playlistName,
    selectedByUserId: actor?.kind === "user" ? actor.userId : null,
  };
}

/** A history entry whose item was deleted or became unavailable is skipped, not an error. */
async function playableOrNull(input: PlanInput, row: HistoryRow): Promise<PlayableMedia | null> {
  if (row.mediaId === null) return null;
  try {
    return await loadPlayableMedia(input.tx, input.roomId, row.mediaId);
  } catch (error) {
    if (isDomainError(error) && (error.kind === "NOT_FOUND" || error.kind === "FAILED_PRECONDITION")) return null;
    throw error;
  }
}

/** Validates the wire-level choice between media and dynamic target before any I/O. */
export function startSourceFrom(mediaId: number | null, playlistId: number | null, hasTarget: boolean): StartSource {
  if (hasTarget) {
    if (playlistId === null) throw invalidArgument("A target needs its dynamic playlist_id");
    return { kind: "dynamic", playlistId, target: null };
  }
  if (mediaId === null) {
    if (playlistId !== null) throw unimplemented("Dynamic playlist targets are not available in this version");
    throw invalidArgument("media_id is required", {
      fieldViolations: [{ field: "media_id", rule: "required", description: "name the media item to play" }],
    });
  }
  return { kind: "static", mediaId, playlistId };
}
