// Kicking a guest (04 §7.5, 03 §2.2): the guest's token is revoked and its open connections end with
// GUEST_ACCESS_REVOKED at once, on every node (a room event carries the kick); other guests stay.
import { afterAll, beforeAll, expect, it } from "vitest";
import { RealtimeTerminationCode } from "../../gen/synctv/v1/realtime_pb.js";
import { type MembersNode, makeRoom, mintUser, startMembersNode, type TestUser } from "../rooms/members-fixtures.js";
import { callJson } from "../support/connect-json.js";
import { connect, createTicket, REALTIME_ENV, type TestSocket } from "./realtime-client.js";

let n: MembersNode;
let owner: TestUser;

beforeAll(async () => {
  n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_REQUEST_RATE_LIMITS_CATEGORIES_GUEST: "100000" });
  owner = await mintUser(n);
});
afterAll(() => n?.close());

async function guestOf(roomPublicId: string): Promise<{ guestId: string; socket: TestSocket }> {
  const issued = await callJson<{ token: string; guestId: string }>(
    n.t.baseUrl,
    "synctv.v1.AuthService/CreateGuestToken",
    { roomId: roomPublicId },
  );
  expect(issued.status).toBe(200);
  const ticket = await createTicket(n.t, roomPublicId, issued.body.token);
  const socket = await connect(n.t.node.realtime.port, roomPublicId, ticket);
  await socket.next("welcome");
  return { guestId: issued.body.guestId, socket };
}

it("the kicked guest's socket gets termination GUEST_ACCESS_REVOKED; another guest's stays open", async () => {
  const room = await makeRoom(n, { createdBy: owner.id, allowGuestJoin: true });
  const kicked = await guestOf(room.publicId);
  const other = await guestOf(room.publicId);

  const r = await n.room("KickMember", { roomId: room.publicId, guestId: kicked.guestId, reason: "spam" }, owner.token);
  expect(r.status).toBe(200);
  const termination = await kicked.socket.next("termination");
  expect(termination.code).toBe(RealtimeTerminationCode.GUEST_ACCESS_REVOKED);

  other.socket.send({ message: { case: "heartbeat", value: { clientTimeMs: 1n } } });
  await other.socket.next("heartbeatAck");
  await other.socket.close();
  await kicked.socket.close();
});
