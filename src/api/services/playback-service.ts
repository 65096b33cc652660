// PlaybackService (spec 02 §3.5): transport only. Ids and enums are decoded here; every rule lives in
// core/playback, whose PlaybackTransitions is the one write path shared with realtime, CLI and workers.
import type { ServiceImpl } from "@connectrpc/connect";
import { SortDirection } from "../../../gen/synctv/v1/common_pb.js";
import { type ExpectedPlaybackSource, PlaybackUpdateType } from "../../../gen/synctv/v1/playback_pb.js";
import type { PlaybackService } from "../../../gen/synctv/v1/playback_service_pb.js";
import { invalidArgument } from "../../core/errors.js";
import type { PublicIdCodec } from "../../core/ids/public-id-codec.js";
import type { PlaybackDomain } from "../../core/playback/playback-domain.js";
import { startSourceFrom } from "../../core/playback/playback-transitions.js";
import type { HistoryRef } from "../../core/playback/playback-view.js";
import type { PlaybackUpdateType as CoreUpdateType } from "../../core/playback/timeline/index.js";
import type { ExpectedSource } from "../../core/playback/transition-runner.js";
import { callerOf } from "../caller.js";
import { toPlaybackHistoryResponse, toPlaybackMessage, toPlaybackStateMessage } from "../mappers/playback.js";

export interface PlaybackHandlerDeps {
  playback: PlaybackDomain;
  ids: PublicIdCodec;
}

const UPDATE_TYPE: Partial<Record<PlaybackUpdateType, CoreUpdateType>> = {
  [PlaybackUpdateType.PLAY]: "PLAY",
  [PlaybackUpdateType.PAUSE]: "PAUSE",
  [PlaybackUpdateType.SEEK]: "SEEK",
  [PlaybackUpdateType.SPEED]: "SPEED",
};

export function playbackServiceImpl(deps: PlaybackHandlerDeps): Partial<ServiceImpl<typeof PlaybackService>> {
  const { playback, ids } = deps;
  const { transitions } = playback;
  const roomIdOf = (publicId: string) => ids.decode("room", publicId);
  const optionalId = (prefix: "med" | "pl", publicId: string) =>
    publicId === "" ? null : ids.decode(prefix, publicId);
  const historyRefOf = (publicId: string): HistoryRef => {
    const parts = ids.decodeMany("ph", publicId);
    if (parts.length !== 2) throw invalidArgument("malformed ph id", { metadata: { prefix: "ph" } });
    return { id: parts[0] as number, createdAtMs: parts[1] as number };
  };
  const expectedSourceOf = (wire: ExpectedPlaybackSource | undefined): ExpectedSource | undefined =>
    wire === undefined
      ? undefined
      : {
          mediaId: optionalId("med", wire.mediaId),
          playlistId: optionalId("pl", wire.playlistId),
          targetHash: wire.targetHash,
        };
  const opId = (id: string) => (id === "" ? {} : { clientOperationId: id });
  const stateResponse = (view: Parameters<typeof toPlaybackStateMessage>[0]) => ({
    playbackState: toPlaybackStateMessage(view, ids),
  });

  return {
    async getPlayback(req, ctx) {
      const roomId = roomIdOf(req.roomId);
      const snapshot = await playback.reads.getPlayback(await callerOf(ctx), roomId);
      return {
        playbackState: toPlaybackStateMessage(snapshot.state, ids),
        ...(snapshot.playback ? { playback: toPlaybackMessage(roomId, snapshot.playback, ids) } : {}),
      };
    },
    async startPlayback(req, ctx) {
      const source = startSourceFrom(
        optionalId("med", req.mediaId),
        optionalId("pl", req.playlistId),
        req.target !== undefined,
      );
      const view = await transitions.start(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        source,
        "SELECTED",
        opId(req.clientOperationId),
      );
      return stateResponse(view);
    },
    async stopPlayback(req, ctx) {
      return stateResponse(
        await transitions.stop(await callerOf(ctx), roomIdOf(req.roomId), opId(req.clientOperationId)),
      );
    },
    async playNext(req, ctx) {
      const view = await transitions.next(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        "manual",
        opId(req.clientOperationId),
      );
      return stateResponse(view);
    },
    async playPrevious(req, ctx) {
      const view = await transitions.previous(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        "manual",
        opId(req.clientOperationId),
      );
      return stateResponse(view);
    },
    async updatePlaybackState(req, ctx) {
      const type = UPDATE_TYPE[req.type];
      if (type === undefined) {
        throw invalidArgument("Unknown update type", {
          fieldViolations: [{ field: "type", rule: "enum.defined_only", description: "PLAY, PAUSE, SEEK or SPEED" }],
        });
      }
      const view = await transitions.update(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        {
          type,
          ...(req.position === undefined ? {} : { position: req.position }),
          ...(req.speed === undefined ? {} : { speed: req.speed }),
          ...(req.playing === undefined ? {} : { playing: req.playing }),
          ...(req.clientTimeMs === undefined ? {} : { clientTimeMs: Number(req.clientTimeMs) }),
        },
        {
          ...(req.expectedVersion === undefined ? {} : { expectedVersion: Number(req.expectedVersion) }),
          ...(req.expectedSource === undefined ? {} : { expectedSource: expectedSourceOf(req.expectedSource) }),
          ...opId(req.clientOperationId),
        },
      );
      return stateResponse(view);
    },
    async listPlaybackHistory(req, ctx) {
      const page = await playback.history.list(await callerOf(ctx), roomIdOf(req.roomId), {
        cursor: req.cursor,
        limit: req.limit,
        newestFirst: req.sortDirection !== SortDirection.ASC,
      });
      return toPlaybackHistoryResponse(page, ids);
    },
    async playHistoryEntry(req, ctx) {
      const view = await transitions.playHistoryEntry(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        historyRefOf(req.entryId),
        opId(req.clientOperationId),
      );
      return stateResponse(view);
    },
    async deletePlaybackHistoryEntry(req, ctx) {
      const deleted = await playback.history.delete(
        await callerOf(ctx),
        roomIdOf(req.roomId),
        historyRefOf(req.entryId),
      );
      return { deleted };
    },
    async clearPlaybackHistory(req, ctx) {
      return { deletedCount: await playback.history.clear(await callerOf(ctx), roomIdOf(req.roomId)) };
    },
  };
}
