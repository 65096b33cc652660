// Playlist core records ↔ synctv.v1 wire messages: playlists, media, and direct-URL source configs.
// Enum tables live here so handlers stay thin; no rule is decided in this module.
import { create } from "@bufbuild/protobuf";
import { PlaybackKind, ResourceAvailability, SortDirection } from "../../../gen/synctv/v1/common_pb.js";
import {
  type Media,
  MediaSchema,
  type Playlist,
  PlaylistBrowseAccessMode,
  PlaylistSchema,
} from "../../../gen/synctv/v1/playlist_pb.js";
import {
  type ListPlaylistItemsResponse,
  ListPlaylistItemsResponseSchema,
  PlaylistSortBy,
} from "../../../gen/synctv/v1/playlist_service_pb.js";
import {
  type DirectUrlSource as DirectUrlSourceMessage,
  DirectUrlSourceSchema,
  MediaFormat,
  type MediaSourceConfig,
  MediaSourceConfigSchema,
  ProxyMode,
  SubtitleFormat,
} from "../../../gen/synctv/v1/source_config_pb.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { DirectUrlSourceInput } from "../../core/playlists/direct-url/direct-url-normalization.js";
import type {
  DirectUrlSource,
  MediaFormat as MediaFormatName,
  PlaybackKindName,
  ProxyMode as ProxyModeName,
  SubtitleFormat as SubtitleFormatName,
} from "../../core/playlists/direct-url/direct-url-source.js";
import type { ItemListing } from "../../core/playlists/library-reads.js";
import type {
  Availability,
  BrowseAccess,
  LibrarySort,
  MediaView,
  PlaylistView,
} from "../../core/playlists/library-types.js";
import type { MediaSourceInput } from "../../core/playlists/media-commands.js";

const MEDIA_FORMAT_TO_WIRE: Record<MediaFormatName, MediaFormat> = {
  mp4: MediaFormat.MP4,
  mkv: MediaFormat.MKV,
  webm: MediaFormat.WEBM,
  hls: MediaFormat.HLS,
  dash: MediaFormat.DASH,
  flv: MediaFormat.FLV,
  video: MediaFormat.VIDEO,
};
const MEDIA_FORMAT_FROM_WIRE: Partial<Record<MediaFormat, MediaFormatName>> = invert(MEDIA_FORMAT_TO_WIRE);

const SUBTITLE_FORMAT_TO_WIRE: Record<SubtitleFormatName, SubtitleFormat> = {
  srt: SubtitleFormat.SRT,
  vtt: SubtitleFormat.VTT,
  ass: SubtitleFormat.ASS,
  ssa: SubtitleFormat.SSA,
};
const SUBTITLE_FORMAT_FROM_WIRE: Partial<Record<SubtitleFormat, SubtitleFormatName>> = invert(SUBTITLE_FORMAT_TO_WIRE);

const PROXY_MODE_TO_WIRE: Record<ProxyModeName, ProxyMode> = {
  auto: ProxyMode.AUTO,
  prefer: ProxyMode.PREFER,
  only: ProxyMode.ONLY,
  direct_prefer: ProxyMode.DIRECT_PREFER,
  direct_only: ProxyMode.DIRECT_ONLY,
};
export const PROXY_MODE_FROM_WIRE: Partial<Record<ProxyMode, ProxyModeName>> = invert(PROXY_MODE_TO_WIRE);

const KIND_TO_WIRE: Record<PlaybackKindName, PlaybackKind> = {
  unknown: PlaybackKind.UNSPECIFIED,
  regular: PlaybackKind.REGULAR,
  live: PlaybackKind.LIVE,
};
export const KIND_FROM_WIRE: Partial<Record<PlaybackKind, "regular" | "live">> = {
  [PlaybackKind.REGULAR]: "regular",
  [PlaybackKind.LIVE]: "live",
};

const BROWSE_TO_WIRE: Record<BrowseAccess, PlaylistBrowseAccessMode> = {
  DEFAULT: PlaylistBrowseAccessMode.DEFAULT,
  ROOM_MEMBERS: PlaylistBrowseAccessMode.ROOM_MEMBERS,
  CREATOR_ONLY: PlaylistBrowseAccessMode.CREATOR_ONLY,
};
export function browseAccessFromWire(mode: PlaylistBrowseAccessMode | undefined): BrowseAccess {
  if (mode === PlaylistBrowseAccessMode.ROOM_MEMBERS) return "ROOM_MEMBERS";
  if (mode === PlaylistBrowseAccessMode.CREATOR_ONLY) return "CREATOR_ONLY";
  return "DEFAULT";
}

export const SORT_FROM_WIRE: Record<PlaylistSortBy, LibrarySort> = {
  [PlaylistSortBy.UNSPECIFIED]: "POSITION",
  [PlaylistSortBy.POSITION]: "POSITION",
  [PlaylistSortBy.NAME]: "NAME",
  [PlaylistSortBy.CREATED_AT]: "CREATED_AT",
  [PlaylistSortBy.UPDATED_AT]: "UPDATED_AT",
};
export const isDescending = (d: SortDirection) => d === SortDirection.DESC;
export function availabilityFromWire(a: ResourceAvailability): Availability {
  if (a === ResourceAvailability.AVAILABLE) return "AVAILABLE";
  if (a === ResourceAvailability.CREATOR_INACTIVE) return "CREATOR_INACTIVE";
  return "ANY";
}
const availabilityToWire = (active: boolean) =>
  active ? ResourceAvailability.AVAILABLE : ResourceAvailability.CREATOR_INACTIVE;

export function toPlaylistMessage(v: PlaylistView, ids: PublicIdCodec): Playlist {
  return create(PlaylistSchema, {
    id: ids.encode("pl", v.id),
    roomId: ids.encode("room", v.roomId),
    parentId: v.parentId === null ? "" : ids.encode("pl", v.parentId),
    name: v.name,
    description: v.description,
    position: v.position,
    isDynamic: v.isDynamic,
    sourceProvider: v.sourceProvider ?? 0,
    providerInstanceName: v.providerInstanceName ?? "",
    // Dynamic playlist configs arrive with their providers (P2).
    browseAccessMode: BROWSE_TO_WIRE[v.browseAccess],
    itemCount: v.itemCount,
    creatorId: ids.encode("usr", v.creatorId),
    availability: availabilityToWire(v.creatorActive),
    version: BigInt(v.version),
    createdAt: BigInt(v.createdAt),
    updatedAt: BigInt(v.updatedAt),
  });
}

export function toMediaMessage(v: MediaView, ids: PublicIdCodec): Media {
  return create(MediaSchema, {
    id: ids.encode("med", v.id),
    roomId: ids.encode("room", v.roomId),
    playlistId: v.playlistId === null ? "" : ids.encode("pl", v.playlistId),
    name: v.name,
    description: v.description,
    position: v.position,
    sourceProvider: v.sourceProvider,
    providerInstanceName: v.providerInstanceName ?? "",
    sourceConfig:
      v.sourceConfig === null
        ? undefined
        : create(MediaSourceConfigSchema, {
            source: { case: "directUrl", value: directUrlSourceToWire(v.sourceConfig) },
          }),
    creatorId: ids.encode("usr", v.creatorId),
    availability: availabilityToWire(v.creatorActive),
    version: BigInt(v.version),
    addedAt: BigInt(v.addedAt),
    updatedAt: BigInt(v.updatedAt),
  });
}

export function directUrlSourceToWire(s: DirectUrlSource): DirectUrlSourceMessage {
  return create(DirectUrlSourceSchema, {
    medias: s.medias.map((m) => ({
      name: m.name,
      url: m.url,
      headers: m.headers,
      format: MEDIA_FORMAT_TO_WIRE[m.format],
      expiresAt: m.expiresAt === undefined ? undefined : BigInt(m.expiresAt),
    })),
    defaultMediaIndex: s.defaultMediaIndex,
    subtitles: s.subtitles.map((t) => ({ ...t, format: SUBTITLE_FORMAT_TO_WIRE[t.format] })),
    defaultSubtitleIndex: s.defaultSubtitleIndex,
    danmakus: s.danmakus,
    playbackKind: KIND_TO_WIRE[s.playbackKind],
    durationSeconds: s.durationSeconds,
    proxyMode: PROXY_MODE_TO_WIRE[s.proxyMode],
  });
}

export function directUrlSourceFromWire(s: DirectUrlSourceMessage): DirectUrlSourceInput {
  return {
    medias: s.medias.map((m) => ({
      name: m.name,
      url: m.url,
      headers: m.headers,
      format: MEDIA_FORMAT_FROM_WIRE[m.format],
      expiresAt: m.expiresAt === undefined ? undefined : Number(m.expiresAt),
    })),
    defaultMediaIndex: s.defaultMediaIndex,
    subtitles: s.subtitles.map((t) => ({ ...t, format: SUBTITLE_FORMAT_FROM_WIRE[t.format] })),
    defaultSubtitleIndex: s.defaultSubtitleIndex,
    danmakus: s.danmakus.map((d) => ({ name: d.name, url: d.url, headers: d.headers, format: d.format })),
    playbackKind: KIND_FROM_WIRE[s.playbackKind],
    durationSeconds: s.durationSeconds,
    proxyMode: PROXY_MODE_FROM_WIRE[s.proxyMode],
  };
}

export function mediaSourceFromWire(config: MediaSourceConfig | undefined): MediaSourceInput {
  const source = config?.source;
  if (source?.case === "directUrl") return { provider: "direct_url", config: directUrlSourceFromWire(source.value) };
  return { provider: "unavailable", name: source?.case ?? "unspecified" };
}

function invert<K extends string, V extends number>(table: Record<K, V>): Partial<Record<V, K>> {
  const out: Partial<Record<V, K>> = {};
  for (const [key, value] of Object.entries(table) as [K, V][]) out[value] = key;
  return out;
}

/** One page of ListPlaylistItems (also the `playlist_items` observation payload). */
export function toPlaylistItemsResponse(
  list: ItemListing,
  page: { page: number; pageSize: number },
  ids: PublicIdCodec,
): ListPlaylistItemsResponse {
  return create(ListPlaylistItemsResponseSchema, {
    playlists: list.playlists.map((v) => toPlaylistMessage(v, ids)),
    media: list.media.map((v) => toMediaMessage(v, ids)),
    currentPath: list.path.map((p) => ({ playlistId: ids.encode("pl", p.playlistId), name: p.name })),
    total: list.total,
    next: list.hasMore
      ? { case: "nextPage", value: { page: page.page + 1, pageSize: page.pageSize } }
      : { case: undefined },
    version: BigInt(list.version),
    supportsSearch: true,
  });
}
