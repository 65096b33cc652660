// ListPlaybackHistory, DeletePlaybackHistoryEntry and ClearPlaybackHistory (spec 02 §3.5, §2.6): cursor
// pages keyed by the per-room sequence, bound to the room and the sort direction; deletions emit one
// `playback_history` event, and one `playback_state` event when they cleared the state's history cursor.

import type { DbTransaction } from "../../infra/db/database-port.js";
import type { RoomEventRecorder } from "../../infra/db/events/observable-writer.js";
import type { Actor } from "../actor.js";
import { invalidArgument } from "../errors.js";
import { requirePermission } from "../rooms/room-access.js";
import type { PlaybackDeps } from "./playback-deps.js";
import { playbackHistoryEvent, playbackStateEvent } from "./playback-events.js";
import { clearHistory, deleteHistoryEntry, type HistoryRow, listHistory } from "./playback-history-repository.js";
import { bumpStateVersion, readPlaybackState } from "./playback-state-repository.js";
import type { HistoryRef } from "./playback-view.js";

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 100;

export interface HistoryPage {
  entries: HistoryRow[];
  historyCursor: HistoryRef | null;
  /** '' at the end. */
  nextCursor: string;
}

interface PageCursor {
  r: number;
  s: number;
  d: "asc" | "desc";
}

export class PlaybackHistory {
  constructor(private readonly deps: Pick<PlaybackDeps, "database" | "access" | "writer" | "clock">) {}

  async list(
    actor: Actor,
    roomId: number,
    query: { cursor: string; limit: number; newestFirst: boolean },
  ): Promise<HistoryPage> {
    const ctx = await this.deps.access.enter(actor, roomId);
    requirePermission(ctx, "view_playback_history");
    const limit = query.limit === 0 ? DEFAULT_HISTORY_LIMIT : query.limit;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_HISTORY_LIMIT) {
      throw invalidArgument("limit must be 0–100", {
        fieldViolations: [{ field: "limit", rule: "range", description: "0 (= 50) to 100" }],
      });
    }
    const direction = query.newestFirst ? "desc" : "asc";
    const after = query.cursor === "" ? null : decodeCursor(query.cursor, roomId, direction);
    const db = this.deps.database.db;
    const rows = await listHistory(db, { roomId, afterSequence: after, limit, newestFirst: query.newestFirst });
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor({ r: roomId, s: last.sequence, d: direction }) : "";
    const stored = await readPlaybackState(db, roomId);
    return { entries, historyCursor: stored?.historyCursor ?? null, nextCursor };
  }

  async delete(actor: Actor, roomId: number, entry: HistoryRef): Promise<boolean> {
    return this.deps.writer.run(async (tx, events) => {
      const ctx = await this.deps.access.enter(actor, roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "manage_room_settings");
      const before = await readPlaybackState(tx, roomId);
      const deleted = await deleteHistoryEntry(tx, roomId, entry);
      if (!deleted) return false;
      const userId = actor.kind === "user" ? actor.userId : null;
      await events.append(
        playbackHistoryEvent(roomId, "history.deleted", userId, { id: entry.id, createdAtMs: entry.createdAtMs }),
      );
      const wasCursor =
        before?.historyCursor?.id === entry.id && before.historyCursor.createdAtMs === entry.createdAtMs;
      if (wasCursor) await this.#cursorCleared(tx, events, roomId, userId);
      return true;
    });
  }

  async clear(actor: Actor, roomId: number): Promise<number> {
    return this.deps.writer.run(async (tx, events) => {
      const ctx = await this.deps.access.enter(actor, roomId, { db: tx, lockMember: "share" });
      requirePermission(ctx, "manage_room_settings");
      const before = await readPlaybackState(tx, roomId);
      const count = await clearHistory(tx, roomId);
      if (count === 0) return 0;
      const userId = actor.kind === "user" ? actor.userId : null;
      await events.append(playbackHistoryEvent(roomId, "history.cleared", userId, { deletedCount: count }));
      if (before?.historyCursor) await this.#cursorCleared(tx, events, roomId, userId);
      return count;
    });
  }

  /** The FK cleared the state's cursor (ON DELETE SET NULL); observers learn it as a new state version. */
  async #cursorCleared(tx: DbTransaction, events: RoomEventRecorder, roomId: number, userId: number | null) {
    await bumpStateVersion(tx, roomId);
    const after = await readPlaybackState(tx, roomId);
    if (!after) return;
    const view = {
      roomId,
      timeline: after.timeline,
      historyCursor: after.historyCursor,
      clientOperationId: "",
      serverTimeMs: this.deps.clock.now(),
    };
    await events.append(playbackStateEvent(view, "playback.history_cursor_cleared", userId));
  }
}

function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** A cursor from another room, another sort direction or garbage is INVALID_ARGUMENT (02 §2.6). */
function decodeCursor(cursor: string, roomId: number, direction: "asc" | "desc"): number {
  const bad = () =>
    invalidArgument("Invalid cursor", {
      fieldViolations: [{ field: "cursor", rule: "valid", description: "use a next_cursor of this query" }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const c = parsed as Partial<PageCursor> | null;
  if (!c || c.r !== roomId || c.d !== direction || !Number.isSafeInteger(c.s) || (c.s as number) < 0) throw bad();
  return c.s as number;
}
