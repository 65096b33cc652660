// Every refused upgrade answers its own HTTP status before any socket exists (spec 03 §1.1), tickets
// are single use, and the listener answers 426 to plain HTTP (08 §2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MembersNode,
  makeRoom,
  mintUser,
  startMembersNode,
  type TestRoom,
  type TestUser,
} from "../rooms/members-fixtures.js";
import { connect, createTicket, REALTIME_ENV, upgradeStatus } from "./realtime-client.js";

describe("WebSocket upgrade checks", () => {
  let n: MembersNode;
  let owner: TestUser;
  let outsider: TestUser;
  let room: TestRoom;
  let bannedRoom: TestRoom;
  let port: number;
  const path = (r: TestRoom, query = "") => `/ws/rooms/${r.publicId}${query}`;
  const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    n = await startMembersNode(REALTIME_ENV);
    port = n.t.node.realtime.port;
    owner = await mintUser(n);
    outsider = await mintUser(n);
    room = await makeRoom(n, { createdBy: owner.id });
    bannedRoom = await makeRoom(n, { createdBy: owner.id, banned: true });
  });
  afterAll(() => n?.close());

  it("a member with a bearer token is upgraded", async () => {
    expect(await upgradeStatus(port, path(room), bearer(owner))).toBe(101);
  });

  it("no credential is 401, a bad token is 401, two credentials are 400", async () => {
    expect(await upgradeStatus(port, path(room))).toBe(401);
    expect(await upgradeStatus(port, path(room), { authorization: "Bearer not-a-token" })).toBe(401);
    expect(await upgradeStatus(port, path(room, "?ticket=abc"), bearer(owner))).toBe(400);
  });

  it("an unknown format is 400", async () => {
    expect(await upgradeStatus(port, path(room, "?format=xml"), bearer(owner))).toBe(400);
  });

  it("an unknown room is 404, a room the caller is not in is 403, a banned room is 403", async () => {
    const unknown = { id: 0, publicId: n.ids.encode("room", 987_654_321) };
    expect(await upgradeStatus(port, path(unknown), bearer(owner))).toBe(404);
    expect(await upgradeStatus(port, path(room), bearer(outsider))).toBe(403);
    expect(await upgradeStatus(port, path(bannedRoom), bearer(owner))).toBe(403);
  });

  it("a foreign origin is 403; our own host, a missing origin and a CORS origin pass", async () => {
    expect(await upgradeStatus(port, path(room), { ...bearer(owner), origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(port, path(room), { ...bearer(owner), origin: "http://127.0.0.1:8080" })).toBe(101);
  });

  it("plain HTTP on the listener is 426", async () => {
    expect(await upgradeStatus(port, path(room), {}, false)).toBe(426);
  });

  it("a ticket opens the socket once; the second use is 401", async () => {
    const ticket = await createTicket(n.t, room.publicId, owner.token);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{1,43}$/);
    const socket = await connect(port, room.publicId, ticket);
    await socket.next("welcome");
    await socket.close();
    expect(await upgradeStatus(port, path(room, `?ticket=${ticket}`))).toBe(401);
  });

  it("a ticket is only for its room and only for callers admitted to it", async () => {
    const ticket = await createTicket(n.t, room.publicId, owner.token);
    const other = await makeRoom(n, { createdBy: owner.id });
    expect(await upgradeStatus(port, path(other, `?ticket=${ticket}`))).toBe(401);
    await expect(createTicket(n.t, room.publicId, outsider.token)).rejects.toThrow(/403/);
  });
});

describe("WebSocket connection limits", () => {
  let n: MembersNode;
  afterAll(() => n?.close());

  it("past the per-actor limit the upgrade is 429, and a closed connection frees its slot", async () => {
    n = await startMembersNode({ ...REALTIME_ENV, SYNCTV_CONNECTION_LIMITS_PER_ACTOR: "1" });
    const port = n.t.node.realtime.port;
    const owner = await mintUser(n);
    const room = await makeRoom(n, { createdBy: owner.id });
    const first = await connect(port, room.publicId, await createTicket(n.t, room.publicId, owner.token));
    await first.next("welcome");
    expect(await upgradeStatus(port, `/ws/rooms/${room.publicId}`, { authorization: `Bearer ${owner.token}` })).toBe(
      429,
    );
    await first.close();
    await expect
      .poll(() => upgradeStatus(port, `/ws/rooms/${room.publicId}`, { authorization: `Bearer ${owner.token}` }))
      .toBe(101);
  });
});
