// Builds the playback domain for the composition root: the one transitions instance (shared with the
// auto-advance worker), the GetPlayback read and history management.
import type { PlaybackDeps } from "./playback-deps.js";
import { PlaybackHistory } from "./playback-history.js";
import { PlaybackReads } from "./playback-reads.js";
import { PlaybackTransitions } from "./playback-transitions.js";

export interface PlaybackDomain {
  transitions: PlaybackTransitions;
  reads: PlaybackReads;
  history: PlaybackHistory;
}

export function createPlaybackDomain(deps: PlaybackDeps): PlaybackDomain {
  return {
    transitions: new PlaybackTransitions(deps),
    reads: new PlaybackReads(deps),
    history: new PlaybackHistory(deps),
  };
}
