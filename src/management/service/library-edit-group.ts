// ManagementService library edits (08 §4.2): playlist get/update/move and media add (provider +
// config)/update/move — the node's one PlaylistLibrary, as PlaylistService calls it, acting as `actor`
// else as the room's creator. Source configs may carry credentials (URL user info and query tokens,
// headers): audit details keep only the provider and the URL origin.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  AddMediaResponseSchema,
  GetPlaylistResponseSchema,
  type ManagementService,
  MoveMediaResponseSchema,
  MovePlaylistResponseSchema,
  UpdateMediaResponseSchema,
  UpdatePlaylistResponseSchema,
  type UserRef,
} from "../../../gen/synctv/management/v1/management_pb.js";
import type { MediaSourceConfig } from "../../../gen/synctv/v1/source_config_pb.js";
import { mediaSourceFromWire, toMediaMessage, toPlaylistMessage } from "../../api/mappers/playlist.js";
import type { AuditDetails } from "../../core/audit/audit-entry.js";
import { invalidArgument } from "../../core/errors.js";
import type { MediaPatchField } from "../../core/playlists/media-commands.js";
import type { PlaylistPatchField } from "../../core/playlists/playlist-commands.js";
import { auditOf } from "../server/audit-interceptor.js";
import { actorOrRoomCreator } from "./call-actor.js";
import { urlOrigin } from "./library-group.js";
import type { ManagementServiceDeps } from "./management-deps.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

/** What the audit log may keep of a source config: the provider and the first URL's origin. */
export function sourceSummary(config: MediaSourceConfig | undefined): AuditDetails {
  const source = config?.source;
  if (source === undefined || source.case === undefined) return {};
  const url = source.case === "directUrl" ? (source.value.medias[0]?.url ?? "") : "";
  return { provider: source.case, ...(url === "" ? {} : { url_origin: urlOrigin(url) }) };
}

const nothingToUpdate = () =>
  invalidArgument("Nothing to update", {
    fieldViolations: [{ field: "update", rule: "required", description: "give at least one field to change" }],
  });

export function libraryEditHandlers(deps: ManagementServiceDeps): Handlers {
  const { library, ids } = deps;
  const optionalPl = (id: string) => (id === "" ? null : ids.decode("pl", id));
  const playlistOut = (v: Parameters<typeof toPlaylistMessage>[0]) => toPlaylistMessage(v, ids);
  const mediaOut = (v: Parameters<typeof toMediaMessage>[0]) => toMediaMessage(v, ids);

  /** Decodes the room, opens the audit target, and picks the actor. */
  async function call(req: { roomId: string; actor?: UserRef }, ctx: HandlerContext, details: AuditDetails = {}) {
    const roomId = ids.decode("room", req.roomId);
    const audit = auditOf(ctx)?.target("room", req.roomId).detail(details);
    return { roomId, actor: await actorOrRoomCreator(deps, roomId, req.actor, audit) };
  }

  return {
    async getPlaylist(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      const got = await library.getPlaylist(actor, roomId, ids.decode("pl", req.playlistId));
      return create(GetPlaylistResponseSchema, {
        playlist: playlistOut(got.playlist),
        childPlaylistCount: BigInt(got.childPlaylistCount),
        mediaCount: BigInt(got.mediaCount),
      });
    },

    async updatePlaylist(req, ctx) {
      const mask: PlaylistPatchField[] = [];
      if (req.name !== undefined) mask.push("name");
      if (req.description !== undefined) mask.push("description");
      if (mask.length === 0) throw nothingToUpdate();
      const { roomId, actor } = await call(req, ctx, {
        playlist_id: req.playlistId,
        fields: mask.join(","),
        ...(req.name === undefined ? {} : { name: req.name }),
      });
      const playlist = await library.updatePlaylist(actor, {
        roomId,
        playlistId: ids.decode("pl", req.playlistId),
        mask,
        ...(req.name === undefined ? {} : { name: req.name }),
        ...(req.description === undefined ? {} : { description: req.description }),
      });
      return create(UpdatePlaylistResponseSchema, { playlist: playlistOut(playlist) });
    },

    async movePlaylist(req, ctx) {
      if (req.anchor.case === undefined) {
        throw invalidArgument("An anchor is required", {
          fieldViolations: [{ field: "anchor", rule: "required", description: "before or after a playlist" }],
        });
      }
      const before = req.anchor.case === "beforePlaylistId";
      const { roomId, actor } = await call(req, ctx, {
        playlist_id: req.playlistId,
        [before ? "before_playlist_id" : "after_playlist_id"]: req.anchor.value,
      });
      const anchorId = ids.decode("pl", req.anchor.value);
      const playlist = await library.movePlaylist(actor, {
        roomId,
        playlistId: ids.decode("pl", req.playlistId),
        anchor: before ? { before: anchorId } : { after: anchorId },
      });
      return create(MovePlaylistResponseSchema, { playlist: playlistOut(playlist) });
    },

    async addMedia(req, ctx) {
      const { roomId, actor } = await call(req, ctx, {
        name: req.name,
        playlist_id: req.playlistId,
        ...sourceSummary(req.sourceConfig),
      });
      const [added] = await library.addMedia(actor, {
        roomId,
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
      return create(AddMediaResponseSchema, { media: added === undefined ? undefined : mediaOut(added) });
    },

    async updateMedia(req, ctx) {
      const mask: MediaPatchField[] = [];
      if (req.name !== undefined) mask.push("name");
      if (req.description !== undefined) mask.push("description");
      if (req.sourceConfig !== undefined) mask.push("source_config");
      if (mask.length === 0) throw nothingToUpdate();
      const { roomId, actor } = await call(req, ctx, {
        media_id: req.mediaId,
        fields: mask.join(","),
        ...(req.name === undefined ? {} : { name: req.name }),
        ...sourceSummary(req.sourceConfig),
      });
      const edited = await library.editMedia(actor, {
        roomId,
        mediaId: ids.decode("med", req.mediaId),
        mask,
        ...(req.name === undefined ? {} : { name: req.name }),
        ...(req.description === undefined ? {} : { description: req.description }),
        ...(req.sourceConfig === undefined ? {} : { source: mediaSourceFromWire(req.sourceConfig) }),
      });
      return create(UpdateMediaResponseSchema, { media: mediaOut(edited) });
    },

    async moveMedia(req, ctx) {
      const { roomId, actor } = await call(req, ctx, {
        media_ids: req.mediaIds.join(","),
        target_playlist_id: req.targetPlaylistId,
      });
      const anchor =
        req.anchor.case === "beforeMediaId"
          ? { before: ids.decode("med", req.anchor.value) }
          : req.anchor.case === "afterMediaId"
            ? { after: ids.decode("med", req.anchor.value) }
            : null;
      const moved = await library.moveMedia(actor, {
        roomId,
        selection: { mediaIds: req.mediaIds.map((id) => ids.decode("med", id)) },
        targetPlaylistId: optionalPl(req.targetPlaylistId),
        anchor,
      });
      return create(MoveMediaResponseSchema, { media: moved.map(mediaOut) });
    },
  };
}
