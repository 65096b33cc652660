// RealtimeService.Watch* (spec 02 §3.7, 03 §1): one observation per server stream. Each request
// becomes an ObserveResource handed to the same ObservationHandler the WebSocket uses, and what the
// handler sends comes back as {observed | event | error}; an error or a termination ends the stream.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { DeliveryMode } from "../../../gen/synctv/v1/common_pb.js";
import {
  type ObserveResource,
  ObserveResourceSchema,
  type ResourceEvent,
  type ResourceObserved,
  type ResourceObserveError,
  type ServerMessage,
} from "../../../gen/synctv/v1/realtime_pb.js";
import type { RealtimeService } from "../../../gen/synctv/v1/realtime_service_pb.js";
import type { ObservationHandler } from "../../realtime/observation-handler.js";
import { errorOfTermination, type StreamSessions } from "./stream-session.js";

/** Every Watch* response has this oneof; one generator serves them all. */
type WatchFrame = {
  message:
    | { case: "observed"; value: ResourceObserved }
    | { case: "event"; value: ResourceEvent }
    | { case: "error"; value: ResourceObserveError };
};

type ResourceInit = NonNullable<Parameters<typeof create<typeof ObserveResourceSchema>>[1]>["resource"];

interface WatchRequest {
  roomId: string;
  deliveryMode: DeliveryMode;
}

/** The observe_id of a stream's only observation. */
export const WATCH_OBSERVE_ID = "watch";

export interface WatchStreamDeps {
  sessions: StreamSessions;
  observations: ObservationHandler;
}

export function watchStreamHandlers(deps: WatchStreamDeps): Partial<ServiceImpl<typeof RealtimeService>> {
  const watch = (req: WatchRequest, resource: ResourceInit, ctx: HandlerContext) =>
    watchResource(
      deps,
      ctx,
      req.roomId,
      create(ObserveResourceSchema, {
        observeId: WATCH_OBSERVE_ID,
        deliveryMode: req.deliveryMode,
        resource,
      }),
    );
  return {
    watchPlaybackState: (req, ctx) => watch(req, { case: "playbackState", value: req.observation ?? {} }, ctx),
    watchPlayback: (req, ctx) => watch(req, { case: "playback", value: req.observation ?? {} }, ctx),
    watchRoomSettings: (req, ctx) => watch(req, { case: "roomSettings", value: req.observation ?? {} }, ctx),
    watchPlaylistItems: (req, ctx) => watch(req, { case: "playlistItems", value: req.observation ?? {} }, ctx),
    watchRoomMemberEvents: (req, ctx) => watch(req, { case: "roomMemberEvents", value: req.observation ?? {} }, ctx),
    watchChatEvents: (req, ctx) => watch(req, { case: "chatEvents", value: req.observation ?? {} }, ctx),
    watchOnlineCount: (req, ctx) => watch(req, { case: "onlineCount", value: req.observation ?? {} }, ctx),
    watchOnlineEvents: (req, ctx) => watch(req, { case: "onlineEvent", value: req.observation ?? {} }, ctx),
    watchSelfRoomMember: (req, ctx) => watch(req, { case: "selfRoomMember", value: req.observation ?? {} }, ctx),
    watchPlaybackHistory: (req, ctx) => watch(req, { case: "playbackHistory", value: req.observation ?? {} }, ctx),
  };
}

async function* watchResource(
  { sessions, observations }: WatchStreamDeps,
  ctx: HandlerContext,
  roomPublicId: string,
  observe: ObserveResource,
): AsyncGenerator<WatchFrame> {
  const session = await sessions.open(ctx, roomPublicId, {
    idleTimeout: false,
    terminate: (connection, ending) => connection.fail(ending.error),
  });
  const { connection } = session;
  try {
    // The handler answers observed (+ snapshot) or an observe error through connection.send.
    await observations.observe(connection, observe);
    for await (const message of connection.messages()) {
      if (message.message.case === "termination") {
        throw errorOfTermination(message.message.value.code, message.message.value.message);
      }
      const frame = watchFrameOf(message);
      if (frame === undefined) continue;
      yield frame;
      if (frame.message.case === "error") return;
    }
  } finally {
    session.close();
  }
}

/** Observation traffic as a Watch* frame; undefined for what a single-resource stream does not carry. */
function watchFrameOf(message: ServerMessage): WatchFrame | undefined {
  const inner = message.message;
  switch (inner.case) {
    case "resourceObserved":
      return { message: { case: "observed", value: inner.value } };
    case "resourceEvent":
      return { message: { case: "event", value: inner.value } };
    case "resourceObserveError":
      return { message: { case: "error", value: inner.value } };
    default:
      // welcome, heartbeat_ack, notifications.
      return undefined;
  }
}
