// What the playback core hands back (spec 03 §3.1, 02 §4 PlaybackState): the timeline, the history
// cursor and the echoed operation id, plus its JSON form for durable events and idempotency replays.
import type { JsonObject } from "../../infra/db/schema/index.js";
import type { PlaybackKind, PlaybackSource, TimelineState } from "./timeline/index.js";

/** A history entry's key: its id and the partition column, as the `ph` public id encodes them. */
export interface HistoryRef {
  id: number;
  createdAtMs: number;
}

export interface PlaybackStateView {
  roomId: number;
  timeline: TimelineState;
  historyCursor: HistoryRef | null;
  /** Echo of the request that produced this state; '' when none was sent. */
  clientOperationId: string;
  /** When this view was produced (server ms); restamped on idempotent replays. */
  serverTimeMs: number;
}

/** The state as stored in event payloads and idempotency results: internal ids, plain JSON. */
export function stateToJson(view: PlaybackStateView): JsonObject {
  const t = view.timeline;
  return {
    roomId: view.roomId,
    source: sourceToJson(t.source),
    playbackKind: t.playbackKind,
    position: t.position,
    anchorAt: t.anchorAt,
    speed: t.speed,
    playing: t.playing,
    version: t.version,
    generation: t.generation,
    historyCursor: view.historyCursor
      ? { id: view.historyCursor.id, createdAtMs: view.historyCursor.createdAtMs }
      : null,
    clientOperationId: view.clientOperationId,
  };
}

/** Reverses `stateToJson` for an idempotent replay; the stored row is ours, so shape errors are bugs. */
export function stateFromJson(json: JsonObject, serverTimeMs: number): PlaybackStateView {
  const j = json as unknown as StoredState;
  return {
    roomId: j.roomId,
    timeline: {
      source: sourceFromJson(j.source),
      playbackKind: j.playbackKind,
      position: j.position,
      anchorAt: j.anchorAt,
      speed: j.speed,
      playing: j.playing,
      version: j.version,
      generation: j.generation,
    },
    historyCursor: j.historyCursor,
    clientOperationId: j.clientOperationId,
    serverTimeMs,
  };
}

interface StoredSource {
  kind: PlaybackSource["kind"];
  mediaId?: number | null;
  playlistId?: number | null;
  target?: unknown;
  targetHash?: string;
}

interface StoredState {
  roomId: number;
  source: StoredSource;
  playbackKind: PlaybackKind;
  position: number;
  anchorAt: number;
  speed: number;
  playing: boolean;
  version: number;
  generation: number;
  historyCursor: HistoryRef | null;
  clientOperationId: string;
}

function sourceToJson(source: PlaybackSource): JsonObject {
  switch (source.kind) {
    case "none":
      return { kind: "none" };
    case "static":
      return { kind: "static", mediaId: source.mediaId, playlistId: source.playlistId };
    case "dynamic":
      return {
        kind: "dynamic",
        playlistId: source.playlistId,
        target: (source.target ?? null) as JsonObject | null,
        targetHash: source.targetHash,
      };
  }
}

function sourceFromJson(s: StoredSource): PlaybackSource {
  if (s.kind === "static") return { kind: "static", mediaId: s.mediaId as number, playlistId: s.playlistId ?? null };
  if (s.kind === "dynamic") {
    return { kind: "dynamic", playlistId: s.playlistId as number, target: s.target, targetHash: s.targetHash ?? "" };
  }
  return { kind: "none" };
}
