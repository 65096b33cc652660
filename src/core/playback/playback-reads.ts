// GetPlayback (spec 02 §3.5): the room's timeline for anyone admitted (guests included) plus the
// player-ready view of its current source; the view is absent when nothing plays or the item can no
// longer be played (deleted meanwhile, creator inactive).
import type { Actor } from "../actor.js";
import { isDomainError, notFound } from "../errors.js";
import { type PlaybackResolution, resolveDirectPlayback } from "./direct-url-playback.js";
import { loadPlayableMedia } from "./playable-media.js";
import type { PlaybackDeps } from "./playback-deps.js";
import { readPlaybackState } from "./playback-state-repository.js";
import type { PlaybackStateView } from "./playback-view.js";

export interface PlaybackSnapshot {
  state: PlaybackStateView;
  playback: PlaybackResolution | null;
}

export class PlaybackReads {
  constructor(private readonly deps: Pick<PlaybackDeps, "database" | "access" | "clock">) {}

  async getPlayback(actor: Actor, roomId: number): Promise<PlaybackSnapshot> {
    await this.deps.access.enter(actor, roomId);
    const db = this.deps.database.db;
    const stored = await readPlaybackState(db, roomId);
    if (!stored) throw notFound("Room not found");
    const state: PlaybackStateView = {
      roomId,
      timeline: stored.timeline,
      historyCursor: stored.historyCursor,
      clientOperationId: "",
      serverTimeMs: this.deps.clock.now(),
    };
    const source = stored.timeline.source;
    if (source.kind !== "static") return { state, playback: null };
    try {
      const item = await loadPlayableMedia(db, roomId, source.mediaId);
      return { state, playback: resolveDirectPlayback(item, stored.durationSeconds) };
    } catch (error) {
      if (isDomainError(error) && error.kind !== "INTERNAL") return { state, playback: null };
      throw error;
    }
  }
}
