// Playback core values → synctv.v1 wire messages (PlaybackState, Playback, PlaybackHistoryEntry):
// internal ids become public ids (`ph` encodes [id, created_at ms]), instants and versions become int64.
import { create } from "@bufbuild/protobuf";
import { PlaybackKind as WireKind } from "../../../gen/synctv/v1/common_pb.js";
import {
  DanmakuDelivery,
  type Playback,
  type PlaybackHistoryEntry,
  PlaybackHistoryEntrySchema,
  PlaybackSchema,
  type PlaybackState,
  PlaybackStateSchema,
} from "../../../gen/synctv/v1/playback_pb.js";
import {
  type ListPlaybackHistoryResponse,
  ListPlaybackHistoryResponseSchema,
} from "../../../gen/synctv/v1/playback_service_pb.js";
import { MediaFormat, SourceProvider, SubtitleFormat } from "../../../gen/synctv/v1/source_config_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { PlaybackResolution } from "../../core/playback/direct-url-playback.js";
import type { HistoryPage } from "../../core/playback/playback-history.js";
import type { HistoryRow } from "../../core/playback/playback-history-repository.js";
import type { HistoryRef, PlaybackStateView } from "../../core/playback/playback-view.js";
import type { PlaybackKind } from "../../core/playback/timeline/index.js";
import type {
  MediaFormat as CoreMediaFormat,
  SubtitleFormat as CoreSubtitleFormat,
} from "../../core/playlists/direct-url/direct-url-source.js";

const KIND_TO_WIRE: Record<PlaybackKind, WireKind> = { REGULAR: WireKind.REGULAR, LIVE: WireKind.LIVE };

const MEDIA_FORMAT: Record<CoreMediaFormat, MediaFormat> = {
  mp4: MediaFormat.MP4,
  mkv: MediaFormat.MKV,
  webm: MediaFormat.WEBM,
  hls: MediaFormat.HLS,
  dash: MediaFormat.DASH,
  flv: MediaFormat.FLV,
  video: MediaFormat.VIDEO,
};

const SUBTITLE_FORMAT: Record<CoreSubtitleFormat, SubtitleFormat> = {
  srt: SubtitleFormat.SRT,
  vtt: SubtitleFormat.VTT,
  ass: SubtitleFormat.ASS,
  ssa: SubtitleFormat.SSA,
};

export function historyIdOf(ids: PublicIdCodec, ref: HistoryRef): string {
  return ids.encodeMany("ph", [ref.id, ref.createdAtMs]);
}

export function toPlaybackStateMessage(view: PlaybackStateView, ids: PublicIdCodec): PlaybackState {
  const t = view.timeline;
  const s = t.source;
  return create(PlaybackStateSchema, {
    roomId: ids.encode("room", view.roomId),
    playingMediaId: s.kind === "static" ? ids.encode("med", s.mediaId) : "",
    playingPlaylistId: s.kind === "none" || s.playlistId === null ? "" : ids.encode("pl", s.playlistId),
    targetHash: s.kind === "dynamic" ? s.targetHash : "",
    position: t.position,
    anchorAt: BigInt(t.anchorAt),
    speed: t.speed,
    playing: t.playing,
    version: BigInt(t.version),
    generation: BigInt(t.generation),
    playbackKind: KIND_TO_WIRE[t.playbackKind],
    historyCursorId: view.historyCursor ? historyIdOf(ids, view.historyCursor) : "",
    serverTimeMs: BigInt(view.serverTimeMs),
    clientOperationId: view.clientOperationId,
  });
}

export function toPlaybackMessage(roomId: number, p: PlaybackResolution, ids: PublicIdCodec): Playback {
  const direct = p.playbackInfos.direct;
  return create(PlaybackSchema, {
    roomId: ids.encode("room", roomId),
    mediaId: ids.encode("med", p.mediaId),
    name: p.name,
    provider: SourceProvider.DIRECT_URL,
    providerInstanceName: p.providerInstanceName ?? "",
    playbackInfos: {
      direct: {
        medias: direct.medias.map((m) => ({
          name: m.name,
          url: m.url,
          headers: m.headers,
          format: MEDIA_FORMAT[m.format],
          ...(m.expiresAt === undefined ? {} : { expiresAt: BigInt(m.expiresAt) }),
        })),
        defaultMediaIndex: direct.defaultMediaIndex,
        subtitles: direct.subtitles.map((s) => ({
          name: s.name,
          language: s.language,
          url: s.url,
          headers: s.headers,
          format: SUBTITLE_FORMAT[s.format],
        })),
        ...(direct.defaultSubtitleIndex === undefined ? {} : { defaultSubtitleIndex: direct.defaultSubtitleIndex }),
        danmakus: direct.danmakus.map((d) => ({
          name: d.name,
          url: d.url,
          format: d.format,
          headers: d.headers,
          delivery: DanmakuDelivery.DOCUMENT,
        })),
      },
    },
    defaultMode: p.defaultMode,
    playbackKind: KIND_TO_WIRE[p.playbackKind],
    ...(p.durationSeconds === undefined ? {} : { durationSeconds: p.durationSeconds }),
    ...(p.expiresAt === undefined ? {} : { expiresAt: BigInt(p.expiresAt) }),
    metadata: { provider: { case: "directUrl", value: { requiresProxy: p.requiresProxy } } },
  });
}

export function toHistoryEntryMessage(row: HistoryRow, ids: PublicIdCodec): PlaybackHistoryEntry {
  const createdAt = BigInt(row.createdAt.getTime());
  return create(PlaybackHistoryEntrySchema, {
    id: historyIdOf(ids, { id: row.id, createdAtMs: row.createdAt.getTime() }),
    mediaId: row.mediaId === null ? "" : ids.encode("med", row.mediaId),
    playlistId: row.playlistId === null ? "" : ids.encode("pl", row.playlistId),
    positionSeconds: row.positionSeconds,
    selectedByUserId: row.selectedByUserId === null ? "" : ids.encode("usr", row.selectedByUserId),
    mediaName: row.mediaName,
    playlistName: row.playlistName ?? "",
    // P1 plays direct URLs only; dynamic (playlist) entries arrive with their providers in P2.
    sourceProvider: row.mediaId === null ? SourceProvider.UNSPECIFIED : SourceProvider.DIRECT_URL,
    providerInstanceName: "",
    createdAt,
    // Entries change only when their saved position does; the table keeps no separate stamp.
    updatedAt: createdAt,
  });
}

/** One page of ListPlaybackHistory (also the `playback_history` observation payload). */
export function toPlaybackHistoryResponse(page: HistoryPage, ids: PublicIdCodec): ListPlaybackHistoryResponse {
  return create(ListPlaybackHistoryResponseSchema, {
    entries: page.entries.map((row) => toHistoryEntryMessage(row, ids)),
    historyCursorId: page.historyCursor ? historyIdOf(ids, page.historyCursor) : "",
    nextCursor: page.nextCursor,
  });
}
