// An admitted connection (spec 03 §1–2): welcome and heartbeat in both framings, the frame size
// limit, playback commands through the same core path as the unary RPC, the node's ConnectionRuntime
// and the shutdown drain.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlaybackUpdateType } from "../../gen/synctv/v1/playback_pb.js";
import { RealtimeTerminationCode } from "../../gen/synctv/v1/realtime_pb.js";
import { defaultAppCode } from "../../src/core/errors.js";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { insertMedia, setPlaying } from "../support/fixtures/index.js";
import { comparablePlayback, seekTwinViaRpc } from "./playback-twins.js";
import { connect, createTicket, type Framing, REALTIME_ENV } from "./realtime-client.js";

const WRITE_ENV = { ...REALTIME_ENV, SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_WRITE: "100000" };

// Known open bug (realtime issue): with PostgreSQL + Redis under heavy load an open connection is
// occasionally cut with 1006 (no close frame). Each test must still pass on its own; the retry
// keeps CI honest about everything else until the cause is found.
describe("an open realtime connection", () => {
  let n: MembersNode;
  let owner: TestUser;
  let room: TestRoom;
  let port: number;
  const open = async (r: TestRoom, framing: Framing = "json") =>
    connect(port, r.publicId, await createTicket(n.t, r.publicId, owner.token), framing);

  beforeAll(async () => {
    n = await startMembersNode(WRITE_ENV);
    port = n.t.node.realtime.port;
    owner = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
  });
  afterAll(() => n?.close());

  for (const framing of ["json", "protobuf"] as const) {
    it(`${framing} framing gets welcome and heartbeat_ack with the four timestamps`, async () => {
      const socket = await open(room, framing);
      const welcome = await socket.next("welcome");
      expect(welcome.connectionId).not.toBe("");
      expect(welcome.resumeToken).not.toBe("");
      expect(welcome.limits?.maxFrameBytes).toBe(65_536);
      socket.send({ message: { case: "heartbeat", value: { clientTimeMs: 123n } } });
      const ack = await socket.next("heartbeatAck");
      expect(ack.clientTimeMs).toBe(123n);
      expect(ack.serverSentMs).toBeGreaterThanOrEqual(ack.serverReceivedMs);
      // A frame of the other kind is ignored, not an error.
      socket.ws.send(framing === "json" ? new Uint8Array([1, 2, 3]) : "{}");
      socket.send({ message: { case: "heartbeat", value: { clientTimeMs: 7n } } });
      expect((await socket.next("heartbeatAck")).clientTimeMs).toBe(7n);
      expect(socket.received.filter((m) => m.message.case === "error")).toEqual([]);
      await socket.close();
    });
  }

  it("a frame larger than 64 KiB closes the connection with 1009", async () => {
    const socket = await open(room);
    await socket.next("welcome");
    socket.ws.send("x".repeat(70_000));
    expect((await socket.closed).code).toBe(1009);
  });

  it("a playback_state_update changes the state exactly as UpdatePlaybackState does", async () => {
    const viaSocket = await makeRoom(n, { createdBy: owner.id });
    const viaRpc = await makeRoom(n, { createdBy: owner.id });
    for (const r of [viaSocket, viaRpc]) {
      const m = await insertMedia(n.db, { roomId: r.id, creatorId: owner.id });
      await setPlaying(n.db, r.id, m.id, { isPlaying: true, position: 5 });
    }
    const socket = await open(viaSocket);
    await socket.next("welcome");
    socket.send({
      message: {
        case: "playbackStateUpdate",
        value: { type: PlaybackUpdateType.SEEK, position: 42, playing: false, clientOperationId: randomUUID() },
      },
    });
    await seekTwinViaRpc(n.t, viaRpc, owner.token);
    await expect
      .poll(async () => (await comparablePlayback(n.t, viaSocket, owner.token)).position, { timeout: 20_000 })
      .toBe(42);
    const s = await comparablePlayback(n.t, viaSocket, owner.token);
    expect(s).toEqual(await comparablePlayback(n.t, viaRpc, owner.token));
    await socket.close();
  });

  it("a bad command answers error with its app code and the connection stays open", async () => {
    const socket = await open(room);
    await socket.next("welcome");
    const operation = randomUUID();
    // SEEK without a position: the core refuses it.
    socket.send({
      message: { case: "playbackStateUpdate", value: { type: PlaybackUpdateType.SEEK, clientOperationId: operation } },
    });
    const error = await socket.next("error");
    expect(error.code).toBeGreaterThan(0);
    expect(error.clientOperationId).toBe(operation);
    // An out-of-range position fails validation: INVALID_ARGUMENT's app code.
    socket.send({
      message: { case: "playbackStateUpdate", value: { type: PlaybackUpdateType.SEEK, position: -1 } },
    });
    expect((await socket.next("error")).code).toBe(defaultAppCode.INVALID_ARGUMENT);
    // An empty chat command fails the SendChatMessage rules (content, client_message_id).
    socket.send({ message: { case: "chat", value: {} } });
    expect((await socket.next("error")).code).toBe(defaultAppCode.INVALID_ARGUMENT);
    socket.send({
      message: {
        case: "observeResource",
        // Pinned chat is P2: its observation is refused as not implemented, the socket stays open.
        value: { observeId: "o1", resource: { case: "chatPinEvents", value: {} } },
      },
    });
    const observeError = await socket.next("resourceObserveError");
    expect(observeError.observeId).toBe("o1");
    expect(observeError.error?.code).toBe(defaultAppCode.UNIMPLEMENTED);
    socket.send({ message: { case: "heartbeat", value: { clientTimeMs: 1n } } });
    await socket.next("heartbeatAck");
    await socket.close();
  });

  it("a member's connection puts its room in activeRoomIds() until it closes", async () => {
    const quiet = await makeRoom(n, { createdBy: owner.id });
    const active = () => [...n.t.node.connections.activeRoomIds()];
    expect(active()).not.toContain(quiet.id);
    const socket = await open(quiet);
    await socket.next("welcome");
    expect(active()).toContain(quiet.id);
    await socket.close();
    await expect.poll(active, { timeout: 20_000 }).not.toContain(quiet.id);
  });
});

describe("shutdown", () => {
  let n: MembersNode;
  let owner: TestUser;
  let room: TestRoom;
  beforeAll(async () => {
    n = await startMembersNode(REALTIME_ENV);
    owner = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
  });
  afterAll(() => n?.close());

  // The drain closes sockets outside any uWS callback. Unlike a kick, a late FIN would not show here:
  // the stop's final app.close() cuts every socket anyway; the terminations test guards promptness.
  it("sends termination SERVER_SHUTTING_DOWN, then the close frame 1012 with its reason", async () => {
    const socket = await connect(
      n.t.node.realtime.port,
      room.publicId,
      await createTicket(n.t, room.publicId, owner.token),
    );
    await socket.next("welcome");
    const stopping = n.t.node.stop();
    const termination = await socket.next("termination");
    expect(termination.code).toBe(RealtimeTerminationCode.SERVER_SHUTTING_DOWN);
    expect(await socket.closed).toEqual({ code: 1012, reason: termination.message });
    await stopping;
  });
});
