// RealtimeService.MessageStream (spec 02 §3.7, 03 §1): the WebSocket protocol over a gRPC bidi stream
// (@grpc/grpc-js, h2c). Welcome, heartbeat_ack, observations and playback commands run through the
// same handlers as the socket; admission as at the upgrade; closing or cancelling frees the room.
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlaybackUpdateType } from "../../gen/synctv/v1/playback_pb.js";
import type { ClientMessageSchema } from "../../gen/synctv/v1/realtime_pb.js";
import { RealtimeTerminationCode, type ServerMessage } from "../../gen/synctv/v1/realtime_pb.js";
import { RealtimeService } from "../../gen/synctv/v1/realtime_service_pb.js";
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
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { comparablePlayback, seekTwinViaRpc } from "./playback-twins.js";
import { REALTIME_ENV } from "./realtime-client.js";
import { GrpcStreamClient, type StreamInbox } from "./stream-clients.js";

const ENV = {
  ...REALTIME_ENV,
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000",
  SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_READ: "100000",
};

type Kind = NonNullable<ServerMessage["message"]["case"]>;
type Payload<K extends Kind> = Extract<ServerMessage["message"], { case: K }>["value"];

/** The next message of `kind` (others are skipped), optionally also matching `accept`. */
async function next<K extends Kind>(
  inbox: StreamInbox<ServerMessage>,
  kind: K,
  accept: (value: Payload<K>) => boolean = () => true,
): Promise<Payload<K>> {
  const m = await inbox.next((x) => x.message.case === kind && accept(x.message.value as Payload<K>));
  return m.message.value as Payload<K>;
}

describe("MessageStream", () => {
  let n: MembersNode;
  let grpc: GrpcStreamClient;
  let owner: TestUser;
  let outsider: TestUser;
  let room: TestRoom;
  const cancels: (() => void)[] = [];
  const open = (r: TestRoom, u: TestUser | null, extra: Record<string, string> = {}) => {
    const stream = grpc.bidiStream(RealtimeService.method.messageStream, {
      ...(u ? { authorization: `Bearer ${u.token}` } : {}),
      "synctv-room-id": r.publicId,
      ...extra,
    });
    cancels.push(stream.cancel);
    return stream;
  };

  beforeAll(async () => {
    n = await startMembersNode(ENV);
    grpc = new GrpcStreamClient(n.t.address);
    owner = await mintUser(n);
    outsider = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
  });
  afterAll(async () => {
    for (const cancel of cancels) cancel();
    grpc?.close();
    await n?.close();
  });

  it("gets welcome and heartbeat_ack with the four timestamps", async () => {
    const stream = open(room, owner);
    const welcome = await next(stream.inbox, "welcome");
    expect(welcome.connectionId).not.toBe("");
    expect(welcome.resumeToken).not.toBe("");
    expect(welcome.limits?.maxFrameBytes).toBe(65_536);
    stream.send({ message: { case: "heartbeat", value: { clientTimeMs: 123n } } });
    const ack = await next(stream.inbox, "heartbeatAck");
    expect(ack.clientTimeMs).toBe(123n);
    expect(ack.serverSentMs).toBeGreaterThanOrEqual(ack.serverReceivedMs);
    stream.end();
    expect((await stream.inbox.ended).code).toBe("ok");
  });

  it("observes playback_state and a playback_state_update through it changes the state as UpdatePlaybackState does", async () => {
    const viaStream = await makeRoom(n, { createdBy: owner.id });
    const viaRpc = await makeRoom(n, { createdBy: owner.id });
    for (const r of [viaStream, viaRpc]) {
      const m = await insertMedia(n.db, { roomId: r.id, creatorId: owner.id });
      await setPlaying(n.db, r.id, m.id, { isPlaying: true, position: 5 });
    }
    const stream = open(viaStream, owner);
    await next(stream.inbox, "welcome");
    stream.send({
      message: { case: "observeResource", value: { observeId: "ps", resource: { case: "playbackState", value: {} } } },
    });
    const observed = await next(stream.inbox, "resourceObserved");
    expect(observed.observeId).toBe("ps");

    const operation = randomUUID();
    stream.send({
      message: {
        case: "playbackStateUpdate",
        value: { type: PlaybackUpdateType.SEEK, position: 42, playing: false, clientOperationId: operation },
      },
    });
    const event = await next(
      stream.inbox,
      "resourceEvent",
      (e) => e.payload.case === "playbackState" && e.payload.value.position === 42,
    );
    expect(event.observeId).toBe("ps");
    if (event.payload.case !== "playbackState") throw new Error("expected a playback state");
    expect(event.payload.value.clientOperationId).toBe(operation);

    await seekTwinViaRpc(n.t, viaRpc, owner.token);
    const s = await comparablePlayback(n.t, viaStream, owner.token);
    expect(s).toEqual(await comparablePlayback(n.t, viaRpc, owner.token));
    expect(String(event.payload.value.version)).toBe(s.version);
    stream.cancel();
  });

  it("a bad command answers error with its app code and the stream stays open", async () => {
    const other = await makeRoom(n, { createdBy: owner.id });
    const stream = open(room, owner);
    await next(stream.inbox, "welcome");
    // Out of range: the envelope's validation rules, answered in-band rather than ending the stream.
    stream.send({ message: { case: "playbackStateUpdate", value: { type: PlaybackUpdateType.SEEK, position: -1 } } });
    expect((await next(stream.inbox, "error")).code).toBe(defaultAppCode.INVALID_ARGUMENT);
    // A command may only name the stream's own room.
    stream.send({
      message: {
        case: "playbackStateUpdate",
        value: { roomId: other.publicId, type: PlaybackUpdateType.SEEK, position: 1 },
      },
    });
    const foreign = await next(stream.inbox, "error");
    expect(foreign.code).toBe(defaultAppCode.INVALID_ARGUMENT);
    expect(foreign.fieldViolations.map((v) => v.field)).toEqual(["room_id"]);
    stream.send({ message: { case: "heartbeat", value: { clientTimeMs: 9n } } });
    expect((await next(stream.inbox, "heartbeatAck")).clientTimeMs).toBe(9n);
    stream.end();
    expect((await stream.inbox.ended).code).toBe("ok");
  });

  it("refuses without synctv-room-id (INVALID_ARGUMENT), without a token (UNAUTHENTICATED) and for a non-member (PERMISSION_DENIED 4001)", async () => {
    const noRoom = grpc.bidiStream(RealtimeService.method.messageStream, { authorization: `Bearer ${owner.token}` });
    cancels.push(noRoom.cancel);
    const anonymous = open(room, null);
    const stranger = open(room, outsider);
    const [r, a, s] = await Promise.all([noRoom.inbox.ended, anonymous.inbox.ended, stranger.inbox.ended]);
    expect(r.code).toBe("invalid_argument");
    expect(r.errorInfo?.fieldViolations.map((v) => v.field)).toEqual(["synctv-room-id"]);
    expect(a.code).toBe("unauthenticated");
    expect(s.code).toBe("permission_denied");
    expect(s.errorInfo?.errorCode).toBe(AppCode.NOT_A_MEMBER);
    for (const refused of [noRoom, anonymous, stranger]) expect(refused.inbox.received).toEqual([]);
  });

  it("a message over 64 KiB ends the stream with RESOURCE_EXHAUSTED", async () => {
    const stream = open(room, owner);
    await next(stream.inbox, "welcome");
    stream.sendRaw(new Uint8Array(70_000));
    const end = await stream.inbox.ended;
    expect(end.code).toBe("resource_exhausted");
  });

  it("a stream keeps its room in activeRoomIds() until it is cancelled", async () => {
    const member = await mintUser(n);
    const quiet = await makeRoom(n, { createdBy: owner.id });
    await addStoredMember(n.db, quiet.id, member.id);
    const active = () => [...n.t.node.connections.activeRoomIds()];
    expect(active()).not.toContain(quiet.id);
    const stream = open(quiet, member);
    await next(stream.inbox, "welcome");
    expect(active()).toContain(quiet.id);
    stream.cancel();
    await expect.poll(active, { timeout: 20_000 }).not.toContain(quiet.id);
  });

  it("a member kicked from the room gets termination ROOM_MEMBERSHIP_REVOKED and the stream ends", async () => {
    const member = await mintUser(n);
    const shared = await makeRoom(n, { createdBy: owner.id });
    await addStoredMember(n.db, shared.id, member.id);
    const stream = open(shared, member);
    await next(stream.inbox, "welcome");
    const kick = await n.room(
      "KickMember",
      { roomId: shared.publicId, userId: member.publicId, kickCooldownSeconds: 60 },
      owner.token,
    );
    expect(kick.status).toBe(200);
    const termination = await next(stream.inbox, "termination");
    expect(termination.code).toBe(RealtimeTerminationCode.ROOM_MEMBERSHIP_REVOKED);
    expect((await stream.inbox.ended).code).toBe("ok");
  });

  it("also runs over the Connect protocol on HTTP/2", async () => {
    const client = createClient(
      RealtimeService,
      createConnectTransport({ baseUrl: n.t.baseUrl, httpVersion: "2", useBinaryFormat: true }),
    );
    const outbound = new OutboundQueue<MessageInitShape<typeof ClientMessageSchema>>();
    const abort = new AbortController();
    const replies = client.messageStream(outbound, {
      headers: { authorization: `Bearer ${owner.token}`, "synctv-room-id": room.publicId },
      signal: abort.signal,
    });
    const seen: string[] = [];
    for await (const reply of replies) {
      seen.push(reply.message.case ?? "");
      if (reply.message.case === "welcome") {
        outbound.push({ message: { case: "heartbeat", value: { clientTimeMs: 5n } } });
      }
      if (reply.message.case === "heartbeatAck") {
        expect(reply.message.value.clientTimeMs).toBe(5n);
        outbound.close();
      }
    }
    expect(seen).toEqual(["welcome", "heartbeatAck"]);
  });
});

/** An async iterable the test pushes client messages into. */
class OutboundQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
