// ManagementService library group (08 §4.2): playlists list/create/delete and media list/add-url/
// delete — the node's one PlaylistLibrary, as PlaylistService calls it. Library rows name a user as
// creator and deleter, so these act as `actor`, else as the room's creator. A media URL may carry
// credentials (user info, query tokens): its audit details keep the origin only.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  AddUrlMediaResponseSchema,
  CreatePlaylistResponseSchema,
  DeleteMediaResponseSchema,
  DeletePlaylistResponseSchema,
  ListMediaResponseSchema,
  ListPlaylistsResponseSchema,
  type ManagementService,
  type UserRef,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { toMediaMessage, toPlaylistMessage } from "../../api/mappers/playlist.js";
import type { AuditDetails } from "../../core/audit/audit-entry.js";
import { pageRequest } from "../../core/playlists/library-limits.js";
import { auditOf } from "../server/audit-interceptor.js";
import { actorOrRoomCreator } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

/** scheme://host[:port] of a URL, without user info, path or query. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

export function libraryHandlers(deps: ManagementServiceDeps): Handlers {
  const { library, ids } = deps;
  const optionalPl = (id: string) => (id === "" ? null : ids.decode("pl", id));
  const page = (p: { page: number; pageSize: number } | undefined) => pageRequest(p?.page ?? 0, p?.pageSize ?? 0);
  const playlistOut = (v: Parameters<typeof toPlaylistMessage>[0]) => toPlaylistMessage(v, ids);
  const mediaOut = (v: Parameters<typeof toMediaMessage>[0]) => toMediaMessage(v, ids);

  /** Decodes the room, opens the audit target, and picks the actor. */
  async function call(req: { roomId: string; actor?: UserRef }, ctx: HandlerContext, details: AuditDetails = {}) {
    const roomId = ids.decode("room", req.roomId);
    const audit = auditOf(ctx)?.target("room", req.roomId).detail(details);
    return { roomId, actor: await actorOrRoomCreator(deps, roomId, req.actor, audit) };
  }

  return {
    async listPlaylists(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      const list = await library.listPlaylists(actor, {
        roomId,
        parentId: optionalPl(req.parentId),
        page: page(req.pagination),
        search: req.search,
        dynamicOnly: false,
        sort: "POSITION",
        descending: false,
        availability: "ANY",
      });
      return create(ListPlaylistsResponseSchema, {
        playlists: list.playlists.map(playlistOut),
        total: BigInt(list.total),
      });
    },

    async createPlaylist(req, ctx) {
      const { roomId, actor } = await call(req, ctx, { name: req.name, parent_id: req.parentId });
      const playlist = await library.createPlaylist(actor, {
        roomId,
        name: req.name,
        description: req.description,
        parentId: optionalPl(req.parentId),
        dynamic: false,
        providerInstanceName: "",
        browseAccess: "DEFAULT",
      });
      return create(CreatePlaylistResponseSchema, { playlist: playlistOut(playlist) });
    },

    async deletePlaylist(req, ctx) {
      const { roomId, actor } = await call(req, ctx, { playlist_id: req.playlistId, force: req.force });
      const counts = await library.deletePlaylist(actor, roomId, ids.decode("pl", req.playlistId), req.force);
      return create(DeletePlaylistResponseSchema, counts);
    },

    async listMedia(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      const list = await library.listItems(actor, {
        roomId,
        playlistId: optionalPl(req.playlistId),
        page: page(req.pagination),
        search: req.search,
        sort: "POSITION",
        descending: false,
        availability: "ANY",
      });
      return create(ListMediaResponseSchema, {
        playlists: list.playlists.map(playlistOut),
        media: list.media.map(mediaOut),
        total: BigInt(list.total),
      });
    },

    async addUrlMedia(req, ctx) {
      const { roomId, actor } = await call(req, ctx, {
        name: req.name,
        url_origin: urlOrigin(req.url),
        playlist_id: req.playlistId,
      });
      const [added] = await library.addMedia(actor, {
        roomId,
        playlistId: optionalPl(req.playlistId),
        items: [
          {
            name: req.name,
            description: req.description,
            providerInstanceName: "",
            source: {
              provider: "direct_url",
              config: {
                medias: [{ name: "", url: req.url, headers: {} }],
                ...(req.durationSeconds === undefined ? {} : { durationSeconds: req.durationSeconds }),
              },
            },
          },
        ],
      });
      return create(AddUrlMediaResponseSchema, { media: added === undefined ? undefined : mediaOut(added) });
    },

    async deleteMedia(req, ctx) {
      const { roomId, actor } = await call(req, ctx, { media_id: req.mediaId, force: req.force });
      const counts = await library.deleteMedia(actor, roomId, ids.decode("med", req.mediaId), req.force);
      return create(DeleteMediaResponseSchema, { deletedMedia: counts.deletedMedia });
    },
  };
}
