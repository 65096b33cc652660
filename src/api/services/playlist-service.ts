// PlaylistService (spec 02 §3.4). Transport only: decode ids and enums, call PlaylistLibrary, map
// the results back. Ids of another room decode fine and then are simply not found in this room.
import type { ServiceImpl } from "@connectrpc/connect";
import type { PlaylistService } from "../../../gen/synctv/v1/playlist_service_pb.js";
import { invalidArgument } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import { providerNotAvailable } from "../../core/playlists/library-errors.js";
import { pageRequest } from "../../core/playlists/library-limits.js";
import type { MediaPatchField } from "../../core/playlists/media-commands.js";
import type { PlaylistPatchField } from "../../core/playlists/playlist-commands.js";
import type { PlaylistLibrary } from "../../core/playlists/playlist-library.js";
import { callerOf } from "../caller.js";
import {
  availabilityFromWire,
  browseAccessFromWire,
  isDescending,
  mediaSourceFromWire,
  PROXY_MODE_FROM_WIRE,
  SORT_FROM_WIRE,
  toMediaMessage,
  toPlaylistItemsResponse,
  toPlaylistMessage,
} from "../mappers/playlist.js";

export interface PlaylistServiceDeps {
  library: PlaylistLibrary;
  ids: PublicIdCodec;
}

const PLAYLIST_PATHS = new Set<PlaylistPatchField>([
  "name",
  "description",
  "source_config",
  "provider_instance_name",
  "browse_access_mode",
]);
const MEDIA_PATHS = new Set<MediaPatchField>([
  "name",
  "description",
  "source_config",
  "provider_instance_name",
  "playback_proxy_mode",
]);

function maskOf<T extends string>(paths: readonly string[] | undefined, allowed: Set<T>): T[] {
  const list = paths ?? [];
  if (list.length === 0) throw invalidArgument("update_mask must name at least one path");
  for (const p of list) if (!allowed.has(p as T)) throw invalidArgument(`unknown update_mask path ${p}`);
  return list as T[];
}

export function playlistServiceImpl(deps: PlaylistServiceDeps): Partial<ServiceImpl<typeof PlaylistService>> {
  const { library, ids } = deps;
  const room = (id: string) => ids.decode("room", id);
  const pl = (id: string) => ids.decode("pl", id);
  const optionalPl = (id: string) => (id === "" ? null : pl(id));
  const med = (id: string) => ids.decode("med", id);
  const playlistOut = (v: Parameters<typeof toPlaylistMessage>[0]) => toPlaylistMessage(v, ids);
  const mediaOut = (v: Parameters<typeof toMediaMessage>[0]) => toMediaMessage(v, ids);

  return {
    async createPlaylist(req, ctx) {
      const playlist = await library.createPlaylist(await callerOf(ctx), {
        roomId: room(req.roomId),
        name: req.name,
        description: req.description,
        parentId: optionalPl(req.parentId),
        dynamic: req.sourceProvider !== 0 || req.sourceConfig !== undefined,
        providerInstanceName: req.providerInstanceName,
        browseAccess: browseAccessFromWire(req.browseAccessMode),
      });
      return { playlist: playlistOut(playlist) };
    },
    async getPlaylist(req, ctx) {
      const got = await library.getPlaylist(await callerOf(ctx), room(req.roomId), pl(req.playlistId));
      return {
        playlist: playlistOut(got.playlist),
        childPlaylistCount: got.childPlaylistCount,
        mediaCount: got.mediaCount,
      };
    },
    async listPlaylists(req, ctx) {
      const list = await library.listPlaylists(await callerOf(ctx), {
        roomId: room(req.roomId),
        parentId: optionalPl(req.parentId),
        page: pageRequest(req.page, req.pageSize),
        search: req.search,
        sourceProvider: req.sourceProvider,
        dynamicOnly: req.dynamicOnly,
        sort: SORT_FROM_WIRE[req.sortBy],
        descending: isDescending(req.sortDirection),
        availability: availabilityFromWire(req.availability),
      });
      return { playlists: list.playlists.map(playlistOut), total: list.total };
    },
    async updatePlaylist(req, ctx) {
      const playlist = await library.updatePlaylist(await callerOf(ctx), {
        roomId: room(req.roomId),
        playlistId: pl(req.playlistId),
        mask: maskOf(req.updateMask?.paths, PLAYLIST_PATHS),
        name: req.patch?.name,
        description: req.patch?.description,
        browseAccess:
          req.patch?.browseAccessMode === undefined ? undefined : browseAccessFromWire(req.patch.browseAccessMode),
        expectedVersion: req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
      });
      return { playlist: playlistOut(playlist) };
    },
    async movePlaylist(req, ctx) {
      if (req.anchor.case === undefined) throw invalidArgument("anchor is required");
      const anchorId = pl(req.anchor.value);
      const playlist = await library.movePlaylist(await callerOf(ctx), {
        roomId: room(req.roomId),
        playlistId: pl(req.playlistId),
        anchor: req.anchor.case === "beforePlaylistId" ? { before: anchorId } : { after: anchorId },
      });
      return { playlist: playlistOut(playlist) };
    },
    async deletePlaylist(req, ctx) {
      return library.deletePlaylist(await callerOf(ctx), room(req.roomId), pl(req.playlistId), req.force);
    },
    async addMedia(req, ctx) {
      const [added] = await library.addMedia(await callerOf(ctx), {
        roomId: room(req.roomId),
        playlistId: optionalPl(req.playlistId),
        items: [
          {
            name: req.name,
            description: req.description,
            providerInstanceName: req.providerInstanceName,
            source: mediaSourceFromWire(req.sourceConfig),
          },
        ],
      });
      return { media: added === undefined ? undefined : mediaOut(added) };
    },
    async addMediaBatch(req, ctx) {
      const added = await library.addMedia(await callerOf(ctx), {
        roomId: room(req.roomId),
        playlistId: optionalPl(req.playlistId),
        items: req.items.map((item) => ({
          name: item.name,
          description: item.description,
          providerInstanceName: item.providerInstanceName,
          source: mediaSourceFromWire(item.sourceConfig),
        })),
      });
      return { media: added.map(mediaOut) };
    },
    async getMedia(req, ctx) {
      return { media: mediaOut(await library.getMedia(await callerOf(ctx), room(req.roomId), med(req.mediaId))) };
    },
    async editMedia(req, ctx) {
      const patch = req.patch;
      const edited = await library.editMedia(await callerOf(ctx), {
        roomId: room(req.roomId),
        mediaId: med(req.mediaId),
        mask: maskOf(req.updateMask?.paths, MEDIA_PATHS),
        name: patch?.name,
        description: patch?.description,
        source: patch?.sourceConfig === undefined ? undefined : mediaSourceFromWire(patch.sourceConfig),
        providerInstanceName: patch?.providerInstanceName,
        proxyMode: patch?.playbackProxyMode === undefined ? undefined : PROXY_MODE_FROM_WIRE[patch.playbackProxyMode],
        expectedVersion: req.expectedVersion === undefined ? undefined : Number(req.expectedVersion),
      });
      return { media: mediaOut(edited) };
    },
    async deleteMedia(req, ctx) {
      await library.deleteMedia(await callerOf(ctx), room(req.roomId), med(req.mediaId), req.force);
      return {};
    },
    async deleteEntries(req, ctx) {
      return library.deleteEntries(
        await callerOf(ctx),
        room(req.roomId),
        { playlistIds: req.playlistIds.map(pl), mediaIds: req.mediaIds.map(med) },
        req.force,
      );
    },
    async moveMedia(req, ctx) {
      const anchor =
        req.anchor.case === "beforeMediaId"
          ? { before: med(req.anchor.value) }
          : req.anchor.case === "afterMediaId"
            ? { after: med(req.anchor.value) }
            : null;
      const moved = await library.moveMedia(await callerOf(ctx), {
        roomId: room(req.roomId),
        selection: req.allFromScope
          ? { allFromScope: optionalPl(req.sourcePlaylistId) }
          : { mediaIds: req.mediaIds.map(med) },
        targetPlaylistId: optionalPl(req.targetPlaylistId),
        anchor,
      });
      return { movedCount: moved.length, media: moved.map(mediaOut) };
    },
    async clearPlaylist(req, ctx) {
      return library.clearPlaylist(await callerOf(ctx), room(req.roomId), optionalPl(req.playlistId));
    },
    async listPlaylistItems(req, ctx) {
      if (req.target !== undefined || req.previewSourceConfig !== undefined) {
        throw providerNotAvailable("Dynamic playlist browsing");
      }
      if (req.pagination.case === "cursor") throw invalidArgument("static listings use page pagination");
      const page = pageRequest(req.pagination.value?.page ?? 0, req.pagination.value?.pageSize ?? 0);
      const list = await library.listItems(await callerOf(ctx), {
        roomId: room(req.roomId),
        playlistId: optionalPl(req.playlistId),
        page,
        search: req.search,
        sort: SORT_FROM_WIRE[req.sortBy],
        descending: isDescending(req.sortDirection),
        availability: availabilityFromWire(req.availability),
      });
      return toPlaylistItemsResponse(list, page, ids);
    },
  };
}
