// ManagementService playback group (08 §4.2): get, start, update (play/pause/seek/speed), stop,
// next, previous — the node's one PlaybackTransitions and PlaybackReads, as PlaybackService calls
// them, acting as `actor` when given, else as local-management.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  GetPlaybackResponseSchema,
  type ManagementService,
  PlayNextResponseSchema,
  PlayPreviousResponseSchema,
  StartPlaybackResponseSchema,
  StopPlaybackResponseSchema,
  UpdatePlaybackStateResponseSchema,
  type UserRef,
} from "../../../gen/synctv/management/v1/management_pb.js";
import { PlaybackUpdateType } from "../../../gen/synctv/v1/playback_pb.js";
import { toPlaybackMessage, toPlaybackStateMessage } from "../../api/mappers/playback.js";
import type { AuditDetails } from "../../core/audit/audit-entry.js";
import { invalidArgument } from "../../core/errors.js";
import { startSourceFrom } from "../../core/playback/playback-transitions.js";
import type { PlaybackStateView } from "../../core/playback/playback-view.js";
import type { PlaybackUpdateType as CoreUpdateType } from "../../core/playback/timeline/index.js";
import { auditOf } from "../server/audit-interceptor.js";
import { actorOrManagement } from "./call-actor.js";
import type { ManagementServiceDeps } from "./management-deps.js";

type Handlers = Partial<ServiceImpl<typeof ManagementService>>;

const UPDATE_TYPE: Partial<Record<PlaybackUpdateType, CoreUpdateType>> = {
  [PlaybackUpdateType.PLAY]: "PLAY",
  [PlaybackUpdateType.PAUSE]: "PAUSE",
  [PlaybackUpdateType.SEEK]: "SEEK",
  [PlaybackUpdateType.SPEED]: "SPEED",
};

export function playbackHandlers(deps: ManagementServiceDeps): Handlers {
  const { playback, ids } = deps;
  const { transitions } = playback;
  const state = (view: PlaybackStateView) => ({ playbackState: toPlaybackStateMessage(view, ids) });

  /** Decodes the room, opens the audit target, and picks the actor. */
  async function call(req: { roomId: string; actor?: UserRef }, ctx: HandlerContext, details: AuditDetails = {}) {
    const roomId = ids.decode("room", req.roomId);
    const audit = auditOf(ctx)?.target("room", req.roomId).detail(details);
    return { roomId, actor: await actorOrManagement(deps, req.actor, audit) };
  }

  return {
    async getPlayback(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      const snapshot = await playback.reads.getPlayback(actor, roomId);
      return create(GetPlaybackResponseSchema, {
        playbackState: toPlaybackStateMessage(snapshot.state, ids),
        ...(snapshot.playback ? { playback: toPlaybackMessage(roomId, snapshot.playback, ids) } : {}),
      });
    },

    async startPlayback(req, ctx) {
      const { roomId, actor } = await call(req, ctx, { media_id: req.mediaId, playlist_id: req.playlistId });
      const source = startSourceFrom(
        ids.decode("med", req.mediaId),
        req.playlistId === "" ? null : ids.decode("pl", req.playlistId),
        false,
      );
      const view = await transitions.start(actor, roomId, source, "SELECTED");
      return create(StartPlaybackResponseSchema, state(view));
    },

    async updatePlaybackState(req, ctx) {
      const type = UPDATE_TYPE[req.type];
      if (type === undefined) {
        throw invalidArgument("Unknown update type", {
          fieldViolations: [{ field: "type", rule: "enum.defined_only", description: "PLAY, PAUSE, SEEK or SPEED" }],
        });
      }
      const { roomId, actor } = await call(req, ctx, {
        type,
        ...(req.position === undefined ? {} : { position: req.position }),
        ...(req.speed === undefined ? {} : { speed: req.speed }),
      });
      const view = await transitions.update(actor, roomId, {
        type,
        ...(req.position === undefined ? {} : { position: req.position }),
        ...(req.speed === undefined ? {} : { speed: req.speed }),
      });
      return create(UpdatePlaybackStateResponseSchema, state(view));
    },

    async stopPlayback(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      return create(StopPlaybackResponseSchema, state(await transitions.stop(actor, roomId)));
    },

    async playNext(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      return create(PlayNextResponseSchema, state(await transitions.next(actor, roomId, "manual")));
    },

    async playPrevious(req, ctx) {
      const { roomId, actor } = await call(req, ctx);
      return create(PlayPreviousResponseSchema, state(await transitions.previous(actor, roomId, "manual")));
    },
  };
}
