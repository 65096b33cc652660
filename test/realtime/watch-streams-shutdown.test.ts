// A graceful stop (08 §4.4) ends the API's realtime streams instead of waiting out the drain: Watch*
// streams end with UNAVAILABLE (clients reconnect elsewhere), MessageStream gets the WebSocket's
// termination{SERVER_SHUTTING_DOWN} and then ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealtimeTerminationCode } from "../../gen/synctv/v1/realtime_pb.js";
import { RealtimeService } from "../../gen/synctv/v1/realtime_service_pb.js";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { REALTIME_ENV } from "./realtime-client.js";
import { connectServerStream, GrpcStreamClient } from "./stream-clients.js";

describe("realtime streams at shutdown", () => {
  let n: MembersNode;
  let grpc: GrpcStreamClient;
  let owner: TestUser;
  let room: TestRoom;

  beforeAll(async () => {
    n = await startMembersNode(REALTIME_ENV);
    grpc = new GrpcStreamClient(n.t.address);
    owner = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
  });
  afterAll(async () => {
    grpc?.close();
    await n?.close();
  });

  it("Watch* streams end with UNAVAILABLE and MessageStream with termination SERVER_SHUTTING_DOWN", async () => {
    const auth = { authorization: `Bearer ${owner.token}` };
    const method = RealtimeService.method.watchRoomSettings;
    const viaConnect = connectServerStream(n.t.baseUrl, method, { roomId: room.publicId }, auth);
    const viaGrpc = grpc.serverStream(method, { roomId: room.publicId }, auth);
    const messages = grpc.bidiStream(RealtimeService.method.messageStream, {
      ...auth,
      "synctv-room-id": room.publicId,
    });
    for (const s of [viaConnect, viaGrpc]) expect((await s.inbox.next()).message.case).toBe("observed");
    expect((await messages.inbox.next()).message.case).toBe("welcome");

    await n.t.node.stop();

    const [c, g] = await Promise.all([viaConnect.inbox.ended, viaGrpc.inbox.ended]);
    expect([c.code, g.code]).toEqual(["unavailable", "unavailable"]);
    const termination = await messages.inbox.next((m) => m.message.case === "termination");
    expect(termination.message.value).toMatchObject({ code: RealtimeTerminationCode.SERVER_SHUTTING_DOWN });
    expect((await messages.inbox.ended).code).toBe("ok");
  });
});
