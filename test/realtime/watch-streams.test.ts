// RealtimeService.Watch* (spec 02 §3.7, 03 §1): one observation per server stream, over Connect
// (HTTP/1.1 fetch, JSON envelopes) and gRPC (@grpc/grpc-js), fed by the WebSocket's own observation
// handler; admission as at the WebSocket upgrade; a cancelled stream gives back its slot.
import type { DescMethodServerStreaming } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryMode } from "../../gen/synctv/v1/common_pb.js";
import { ErrorKind } from "../../gen/synctv/v1/errors_pb.js";
import type { ResourceEvent } from "../../gen/synctv/v1/realtime_pb.js";
import { RealtimeService, type WatchPlaybackStateResponse } from "../../gen/synctv/v1/realtime_service_pb.js";
import { AppCode, defaultAppCode } from "../../src/core/errors.js";
import {
  addStoredMember,
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { REALTIME_ENV } from "./realtime-client.js";
import { connectServerStream, GrpcStreamClient, type OpenStream, type StreamInbox } from "./stream-clients.js";

const ENV = {
  ...REALTIME_ENV,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: "100000",
  // Two streams per actor, so the slot test can fill an actor's budget.
  SYNCTV_CONNECTION_LIMITS_PER_ACTOR: "2",
};

type WatchFrame = WatchPlaybackStateResponse;
const watchPlaybackState = RealtimeService.method.watchPlaybackState;
const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });
const isEventAt = (position: number) => (f: WatchFrame) =>
  f.message.case === "event" &&
  f.message.value.payload.case === "playbackState" &&
  f.message.value.payload.value.position === position;

function stateOf(event: ResourceEvent) {
  if (event.payload.case !== "playbackState") throw new Error(`unexpected payload ${event.payload.case}`);
  const s = event.payload.value;
  return { position: s.position, playing: s.playing, speed: s.speed, version: s.version, mediaId: s.playingMediaId };
}

async function firstFrame(inbox: StreamInbox<WatchFrame>): Promise<WatchFrame["message"]["case"]> {
  return (await inbox.next()).message.case;
}

describe("Watch* server streams", () => {
  let n: MembersNode;
  let grpc: GrpcStreamClient;
  let owner: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let room: TestRoom;
  const open: OpenStream<unknown>[] = [];
  const track = <T>(s: OpenStream<T>) => {
    open.push(s as OpenStream<unknown>);
    return s;
  };

  beforeAll(async () => {
    n = await startMembersNode(ENV);
    grpc = new GrpcStreamClient(n.t.address);
    owner = await mintUser(n);
    viewer = await mintUser(n);
    outsider = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
    await addStoredMember(n.db, room.id, viewer.id);
    const media = await insertMedia(n.db, { roomId: room.id, creatorId: owner.id });
    await setPlaying(n.db, room.id, media.id, { isPlaying: false, position: 5 });
  });
  afterAll(async () => {
    for (const s of open) s.cancel();
    grpc?.close();
    await n?.close();
  });

  it("WatchPlaybackState over Connect JSON and over gRPC: observed, then the state another client's UpdatePlaybackState wrote", async () => {
    const viaConnect = track(
      connectServerStream(n.t.baseUrl, watchPlaybackState, { roomId: room.publicId }, bearer(viewer)),
    );
    const viaGrpc = track(grpc.serverStream(watchPlaybackState, { roomId: room.publicId }, bearer(viewer)));
    for (const s of [viaConnect, viaGrpc]) {
      const first = await s.inbox.next();
      expect(first.message.case).toBe("observed");
      if (first.message.case === "observed") expect(first.message.value.observeId).toBe("watch");
    }

    const update = await callJson(
      n.t.baseUrl,
      "synctv.v1.PlaybackService/UpdatePlaybackState",
      { roomId: room.publicId, type: "PLAYBACK_UPDATE_TYPE_SEEK", position: 42, playing: false },
      owner.token,
    );
    expect(update.status).toBe(200);

    const [connectEvent, grpcEvent] = await Promise.all(
      [viaConnect, viaGrpc].map(async (s) => (await s.inbox.next(isEventAt(42))).message.value as ResourceEvent),
    );
    expect(stateOf(connectEvent!)).toEqual(stateOf(grpcEvent!));
    expect(stateOf(connectEvent!)).toMatchObject({ position: 42, playing: false });
    expect(connectEvent!.cursor?.sequence).toBe(grpcEvent!.cursor?.sequence);
    viaConnect.cancel();
    viaGrpc.cancel();
  });

  it("every Watch* RPC opens its resource's observation and answers observed or an observe error first", async () => {
    const methods = RealtimeService.methods.filter(
      (m): m is DescMethodServerStreaming => m.methodKind === "server_streaming",
    );
    expect(methods.map((m) => m.name)).toHaveLength(10);
    for (const method of methods) {
      const s = track(grpc.serverStream(method, { roomId: room.publicId }, bearer(owner)));
      const first = (await s.inbox.next()) as WatchFrame;
      expect([method.name, first.message.case]).toEqual([method.name, expect.stringMatching(/^(observed|error)$/)]);
      s.cancel();
      await s.inbox.ended;
    }
  });

  it("a caller without a valid token gets UNAUTHENTICATED on both protocols", async () => {
    const connect = connectServerStream(n.t.baseUrl, watchPlaybackState, { roomId: room.publicId });
    const grpcCall = grpc.serverStream(watchPlaybackState, { roomId: room.publicId }, { authorization: "Bearer x" });
    const [a, b] = await Promise.all([connect.inbox.ended, grpcCall.inbox.ended]);
    expect([a.code, b.code]).toEqual(["unauthenticated", "unauthenticated"]);
    expect([a.errorInfo?.kind, b.errorInfo?.kind]).toEqual([ErrorKind.UNAUTHENTICATED, ErrorKind.UNAUTHENTICATED]);
    expect(connect.inbox.received).toEqual([]);
  });

  it("a non-member of a private room gets PERMISSION_DENIED 4001, as the upgrade's 403", async () => {
    const connect = connectServerStream(n.t.baseUrl, watchPlaybackState, { roomId: room.publicId }, bearer(outsider));
    const grpcCall = grpc.serverStream(watchPlaybackState, { roomId: room.publicId }, bearer(outsider));
    const [a, b] = await Promise.all([connect.inbox.ended, grpcCall.inbox.ended]);
    expect([a.code, b.code]).toEqual(["permission_denied", "permission_denied"]);
    expect([a.errorInfo?.errorCode, b.errorInfo?.errorCode]).toEqual([AppCode.NOT_A_MEMBER, AppCode.NOT_A_MEMBER]);
  });

  it("an invalid request is INVALID_ARGUMENT with its field; an unknown room is NOT_FOUND", async () => {
    const malformed = grpc.serverStream(watchPlaybackState, { roomId: "not-a-room" }, bearer(owner));
    const badMode = connectServerStream(
      n.t.baseUrl,
      watchPlaybackState,
      { roomId: room.publicId, deliveryMode: 99 as DeliveryMode },
      bearer(owner),
    );
    const unknown = grpc.serverStream(watchPlaybackState, { roomId: n.ids.encode("room", 987_654_321) }, bearer(owner));
    const [m, d, u] = await Promise.all([malformed.inbox.ended, badMode.inbox.ended, unknown.inbox.ended]);
    expect(m.code).toBe("invalid_argument");
    expect(m.errorInfo?.fieldViolations.map((v) => v.field)).toEqual(["room_id"]);
    expect(d.code).toBe("invalid_argument");
    expect(d.errorInfo?.fieldViolations.map((v) => v.field)).toEqual(["delivery_mode"]);
    expect(u.code).toBe("not_found");
  });

  it("a stream holds a connection slot and its room in activeRoomIds() until it is cancelled", async () => {
    const user = await mintUser(n);
    const quiet = await makeRoom(n, { createdBy: user.id });
    const active = () => [...n.t.node.connections.activeRoomIds()];
    const watchQuiet = () => track(grpc.serverStream(watchPlaybackState, { roomId: quiet.publicId }, bearer(user)));
    expect(active()).not.toContain(quiet.id);

    const first = watchQuiet();
    const second = watchQuiet();
    expect([await firstFrame(first.inbox), await firstFrame(second.inbox)]).toEqual(["observed", "observed"]);
    expect(active()).toContain(quiet.id);
    // The actor's budget (2 here) is shared with WebSockets: a third stream is refused.
    const third = watchQuiet();
    const refused = await third.inbox.ended;
    expect(refused.code).toBe("resource_exhausted");
    expect(refused.errorInfo?.errorCode).toBe(defaultAppCode.RATE_LIMITED);

    first.cancel();
    second.cancel();
    await expect.poll(active, { timeout: 20_000 }).not.toContain(quiet.id);
    const again = watchQuiet();
    expect(await firstFrame(again.inbox)).toBe("observed");
    again.cancel();
  });

  it("a member kicked from the room has its Watch stream ended with PERMISSION_DENIED", async () => {
    const member = await mintUser(n);
    const shared = await makeRoom(n, { createdBy: owner.id });
    await addStoredMember(n.db, shared.id, member.id);
    const s = track(grpc.serverStream(watchPlaybackState, { roomId: shared.publicId }, bearer(member)));
    expect(await firstFrame(s.inbox)).toBe("observed");
    const kick = await n.room(
      "KickMember",
      { roomId: shared.publicId, userId: member.publicId, kickCooldownSeconds: 60 },
      owner.token,
    );
    expect(kick.status).toBe(200);
    expect((await s.inbox.ended).code).toBe("permission_denied");
  });

  it("WatchPlaybackState also streams over gRPC-Web", async () => {
    const client = createClient(
      RealtimeService,
      createGrpcWebTransport({ baseUrl: n.t.baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
    );
    const abort = new AbortController();
    const frames = client.watchPlaybackState(
      { roomId: room.publicId },
      { headers: bearer(viewer), signal: abort.signal },
    );
    for await (const frame of frames) {
      expect(frame.message.case).toBe("observed");
      break;
    }
    abort.abort();
  });
});
